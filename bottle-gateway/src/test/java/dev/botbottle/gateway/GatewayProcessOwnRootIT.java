package dev.botbottle.gateway;

import dev.botbottle.spi.GatewayProgram;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.support.HostProcessGatewayRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of {@link GatewayProcessIT} again, with the gateway program where this host's files are not (a sidecar
 * in a cluster; ADR 18): the program sees them under a root of its own, and its control channel travels over its
 * standard input and output. The runner is a DOUBLE of such a place: a real process of this host (the program cannot
 * tell), to which the files are copied under the root as a Kubernetes runner copies them into its container.
 */
class GatewayProcessOwnRootIT extends GatewayProcessIT {

    @Override
    GatewayRunner runner() {
        try {
            return new OwnRoot(Files.createTempDirectory("gw-own-root"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theProgramKeepsItsStateAndControlSocketUnderItsRootAndNotInTheHostsStateDirectory() throws Exception {
        try (Launched gw = launch(List.of(tokenRoute()))) {
            // control: the program serves the runtime (its control channel works)
            assertThat(gw.egress().routes()).extracting(dev.botbottle.spi.EgressRoute::host).containsExactly(HOST);
            Path root = runner.programRoot().orElseThrow();
            Path hostState = state.resolve("state-" + gw.slug());
            Path placedState = GatewayRunner.placed(root, hostState);
            assertThat(list(placedState)).as("the program's state under its root").isNotEmpty();
            assertThat(list(hostState)).as("the host's state directory holds the runtime's control directory only")
                    .containsExactly(hostState.resolve("gateway"));
            assertThat(hostState.resolve("gateway/control.sock")).doesNotExist();
            assertThat(root.resolve("control/control.sock")).exists();
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    /** A DOUBLE of a machine without this host's files: a host process whose files are copied under a root. */
    static final class OwnRoot implements GatewayRunner {
        private final Path root;
        private final HostProcessGatewayRunner process = new HostProcessGatewayRunner();

        OwnRoot(Path root) {
            this.root = root;
        }

        @Override
        public Optional<Path> programRoot() {
            return Optional.of(root);
        }

        @Override
        public Running start(GatewayProgram program) {
            try {
                for (Path file : program.readOnlyFiles()) {
                    Path placed = GatewayRunner.placed(root, file);
                    Files.createDirectories(placed.getParent());
                    Files.copy(file, placed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                Files.createDirectories(GatewayRunner.placed(root, program.stateDirectory()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return process.start(program);
        }
    }
}
