package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The gateway program of one bottle, as a {@link GatewayLauncher} asks a {@link GatewayRunner} to run it: a Java main
 * that runs the bottle's gateway services out of the runtime's JVM. It reads its configuration and credentials from
 * its standard input (never its command line or environment), listens where the runner says, and is controlled through
 * a Unix domain socket in {@link #controlDirectory()}.
 *
 * @param slug the bottle
 * @param mainClass the program's main class
 * @param classPath the program's class path on this host (jars or class directories)
 * @param arguments the program's arguments (no secret: they are visible in the process listing)
 * @param stateDirectory the bottle's state directory on this host, which the program reads and writes (its CA, audit
 *                       log, git repositories live there)
 * @param controlDirectory the directory (mode 0700, inside the state directory) where the program creates its control
 *                         socket
 * @param readOnlyFiles host files the program reads (extra CA files, git key files), at the same paths
 * @since 0.3
 * @see #builder(String, String) the way to make one (ADR 11)
 */
public record GatewayProgram(String slug, String mainClass, List<Path> classPath, List<String> arguments,
                             Path stateDirectory, Path controlDirectory, List<Path> readOnlyFiles) {
    public GatewayProgram {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(mainClass, "mainClass");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(controlDirectory, "controlDirectory");
        classPath = List.copyOf(classPath);
        arguments = List.copyOf(arguments);
        readOnlyFiles = List.copyOf(readOnlyFiles);
        if (classPath.isEmpty()) {
            throw new IllegalArgumentException("the gateway program of " + slug + " needs a class path");
        }
    }

    /**
     * @param slug the bottle
     * @param mainClass the main class
     * @return a builder: no arguments, no read-only files; class path and directories must be set
     */
    public static Builder builder(String slug, String mainClass) {
        return new Builder(slug, mainClass);
    }

    /** @return a builder holding this program's values */
    public Builder toBuilder() {
        return new Builder(slug, mainClass).classPath(classPath).arguments(arguments).stateDirectory(stateDirectory)
                .controlDirectory(controlDirectory).readOnlyFiles(readOnlyFiles);
    }

    /** Makes a {@link GatewayProgram}. */
    public static final class Builder {
        private final String slug;
        private final String mainClass;
        private List<Path> classPath = List.of();
        private List<String> arguments = List.of();
        private Path stateDirectory;
        private Path controlDirectory;
        private List<Path> readOnlyFiles = List.of();

        private Builder(String slug, String mainClass) {
            this.slug = Objects.requireNonNull(slug, "slug");
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        }

        /** @param value the class path @return this builder */
        public Builder classPath(List<Path> value) {
            this.classPath = List.copyOf(value);
            return this;
        }

        /** @param value the arguments (no secret) @return this builder */
        public Builder arguments(List<String> value) {
            this.arguments = List.copyOf(value);
            return this;
        }

        /** @param value the bottle's state directory @return this builder */
        public Builder stateDirectory(Path value) {
            this.stateDirectory = value;
            return this;
        }

        /** @param value where the control socket is made @return this builder */
        public Builder controlDirectory(Path value) {
            this.controlDirectory = value;
            return this;
        }

        /** @param value host files the program reads @return this builder */
        public Builder readOnlyFiles(List<Path> value) {
            this.readOnlyFiles = List.copyOf(value);
            return this;
        }

        /** @return the program */
        public GatewayProgram build() {
            return new GatewayProgram(slug, mainClass, classPath, arguments, stateDirectory, controlDirectory,
                    readOnlyFiles);
        }
    }
}
