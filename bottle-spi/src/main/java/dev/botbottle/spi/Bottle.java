package dev.botbottle.spi;

import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A handle on one running bottle: run commands in it and copy files in and out.
 *
 * <p>Returned by {@link BottleBackend#start} and {@link BottleBackend#resume}. Thread-safe: the provisioning
 * engine and the host may exec concurrently. Closing the handle releases client-side resources only; the bottle
 * keeps running until {@link BottleBackend#stop} or {@link BottleBackend#teardown}.
 *
 * @since 0.1
 */
public interface Bottle extends AutoCloseable {

    /** @return the bottle's slug */
    String slug();

    /** @return the non-root user the agent runs as, e.g. {@code agent}; {@code root} only if the image has no other */
    String agentUser();

    /** @return the agent user's home directory inside the bottle, e.g. {@code /home/agent} */
    String agentHome();

    /**
     * Runs a command to completion and collects its output.
     *
     * @param request the command
     * @return exit code and output; a non-zero exit code is a result, not an exception
     * @throws BackendException when the command could not be run or timed out
     */
    ExecResult exec(ExecRequest request);

    /**
     * Runs a command, streaming its output as it comes (headless agent runs).
     *
     * @param request the command
     * @param stdout receives standard output
     * @param stderr receives standard error
     * @return the exit code
     * @throws BackendException when the command could not be run or timed out
     */
    int stream(ExecRequest request, OutputStream stdout, OutputStream stderr);

    /**
     * The host command that attaches an interactive terminal to a command in the bottle, for hosts that hand
     * their own terminal over (the CLI runs it with inherited I/O). Secret env values are not on this command
     * line: the returned command names them and carries their values in its process environment.
     *
     * @param request the command to attach to
     * @return the host command, e.g. {@code docker exec -it -u agent -e TOKEN NAME bash} with {@code TOKEN} in its env
     */
    HostCommand attachCommand(ExecRequest request);

    /**
     * Copies a host file or directory (recursively) into the bottle.
     *
     * @param source a host file or directory
     * @param target the absolute path it becomes in the bottle (parents are created)
     * @param owner who owns everything copied
     * @param mode the permission bits of a copied file (directories get the execute bits added), e.g. {@code 0644}
     * @throws BackendException when the copy failed
     */
    void copyIn(Path source, String target, FileOwner owner, int mode);

    /**
     * Copies a host directory tree into the bottle as it is: every file keeps its permission bits (so scripts stay
     * executable), empty directories and a {@code .git} directory come along, and relative symbolic links whose
     * target stays inside {@code source} are copied as links. Absolute links and links that leave the tree name host
     * paths: they are left out (and logged). Used for the workspace.
     *
     * @param source a host directory
     * @param target the absolute path it becomes in the bottle (parents are created; an existing directory there is
     *               merged into)
     * @param owner who owns everything copied
     * @throws BackendException when the copy failed, or the backend cannot keep modes (the default)
     * @since 0.2
     */
    default void copyTree(Path source, String target, FileOwner owner) {
        throw new BackendException("this backend cannot copy a directory tree keeping its file modes (Bottle.copyTree);"
                + " copy " + source + " with copyIn instead");
    }

    /**
     * Copies a file or directory out of the bottle.
     *
     * @param source an absolute path in the bottle
     * @param target the host path it becomes
     * @throws BackendException when the copy failed
     */
    void copyOut(String source, Path target);

    /**
     * Whether commands may run as root in this bottle. The default: yes. A bottle without (a Kubernetes Pod that
     * runs as a non-root user only, say) is provisioned as its agent user: the CA the gateway intercepts with goes
     * into a bundle in the agent's home that the bottle's environment names, the login-shell profile into the home
     * too, and a step that needs root anywhere else fails naming the step and the fix (put it into the image).
     *
     * @return whether the runtime may run commands as root here
     * @since 0.3
     */
    default boolean hasRoot() {
        return true;
    }

    /** Releases client-side resources; the bottle keeps running. */
    @Override
    default void close() {
    }
}
