package dev.botbottle.core.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.botbottle.spi.support.HostFiles;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.BottleSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * State in {@code <home>/state/<slug>/}: {@code metadata.json}, {@code plan.json}, the preserve marker, and
 * whatever the gateway services keep there (CA key pair, audit log). Files are written atomically.
 *
 * @since 0.1
 */
public final class DirectoryStateStore implements StateStore {

    static final String METADATA = "metadata.json";
    static final String PLAN = "plan.json";
    static final String PRESERVE = ".preserve";

    /** How metadata is written and read, here and by {@link RecordStateStore}. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
            .build();

    private final Path root;

    /** @param botBottleHome the bot-bottle home; state goes in its {@code state/} folder */
    public DirectoryStateStore(Path botBottleHome) {
        this.root = botBottleHome.resolve("state");
    }

    @Override
    public Path directory(String slug) {
        Path dir = root.resolve(checked(slug));
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system; the directory keeps its default permissions
                }
            }
        } catch (IOException e) {
            throw new BottleException("cannot create the state directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    @Override
    public void writeMetadata(BottleMetadata metadata) {
        try {
            writeAtomically(directory(metadata.slug()).resolve(METADATA), MAPPER.writeValueAsString(metadata));
        } catch (JsonProcessingException e) {
            throw new BottleException("cannot serialise metadata of " + metadata.slug() + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Optional<BottleMetadata> readMetadata(String slug) {
        Path file = root.resolve(checked(slug)).resolve(METADATA);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(file.toFile(), BottleMetadata.class));
        } catch (IOException e) {
            throw new BottleException("cannot read " + file + ": " + e.getMessage()
                    + "; remove the directory with `bottle rm " + slug + "` if it is stale", e);
        }
    }

    @Override
    public void writePlan(String slug, String planJson) {
        writeAtomically(directory(slug).resolve(PLAN), planJson);
    }

    @Override
    public Optional<String> readPlan(String slug) {
        Path file = root.resolve(checked(slug)).resolve(PLAN);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new BottleException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeRecord(String slug, String name, String json) {
        writeAtomically(directory(slug).resolve(recordFile(name)), json);
    }

    @Override
    public Optional<String> readRecord(String slug, String name) {
        Path file = root.resolve(checked(slug)).resolve(recordFile(name));
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new BottleException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates {@code <name>.json} unless it exists: a temp file, then a hard link (which never replaces). */
    @Override
    public boolean createRecord(String slug, String name, String json) {
        return writeOnce(directory(slug).resolve(recordFile(name)), json);
    }

    @Override
    public List<String> recordNames(String slug, String prefix) {
        Path dir = root.resolve(checked(slug));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .filter(n -> BottleSpec.NAME.matcher(n).matches() && !n.equals("metadata") && !n.equals("plan"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new BottleException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static String recordFile(String name) {
        if (!BottleSpec.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a record name");
        }
        return name + ".json";
    }

    @Override
    public List<String> slugs() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> BottleSpec.NAME.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new BottleException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void setPreserved(String slug, boolean preserved) {
        Path marker = directory(slug).resolve(PRESERVE);
        try {
            if (preserved) {
                Files.writeString(marker, "");
            } else {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            throw new BottleException("cannot change " + marker + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isPreserved(String slug) {
        return Files.exists(root.resolve(checked(slug)).resolve(PRESERVE));
    }

    @Override
    public void delete(String slug) {
        Path dir = root.resolve(checked(slug));
        try {
            HostFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new BottleException("cannot remove the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean writeOnce(Path target, String content) {
        try {
            Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".json");
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                try {
                    Files.createLink(target, tmp);
                } catch (FileAlreadyExistsException e) {
                    return false;
                } catch (UnsupportedOperationException | IOException e) {
                    if (Files.exists(target)) {
                        return false;
                    }
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException ex) {
                        Files.move(tmp, target);
                    }
                }
                return true;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new BottleException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path target, String content) {
        try {
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new BottleException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static String checked(String slug) {
        if (!BottleSpec.NAME.matcher(slug).matches()) {
            throw new BottleException("'" + slug + "' is not a bottle slug (expected " + BottleSpec.NAME.pattern() + ")");
        }
        return slug;
    }
}
