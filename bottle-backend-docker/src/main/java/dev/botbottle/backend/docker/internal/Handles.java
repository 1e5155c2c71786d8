package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.support.AgentUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds a bottle's container and network on the engine: handles on running containers, the bridge's address. */
final class Handles {

    private static final Logger LOG = LoggerFactory.getLogger(Handles.class);

    private final DockerCli docker;
    private final EngineFacts facts;

    Handles(DockerCli docker, EngineFacts facts) {
        this.docker = docker;
        this.facts = facts;
    }

    /**
     * The handle of a container this backend just started from {@code image}: its users are the image's (nothing
     * has run in it but the idle init), read from it once per image id.
     */
    Bottle fresh(String slug, ImageInfo image) {
        Optional<String> labelled = Optional.ofNullable(image.labels().get(Names.USER_LABEL));
        Map<String, AgentUser> imageUsers = facts.users(image.id()).orElseGet(() -> {
            Map<String, AgentUser> read = readUsers(slug);
            facts.users(image.id(), read);
            return read;
        });
        Map<String, AgentUser> users = withAgentUser(slug, imageUsers, labelled);
        try {
            return new DockerBottle(docker, slug, users, AgentUser.choose(users, labelled));
        } catch (IllegalArgumentException e) {
            throw new BackendException("bottle '" + slug + "': " + e.getMessage() + "; fix the image", e);
        }
    }

    private Map<String, AgentUser> readUsers(String slug) {
        var probe = new DockerBottle(docker, slug, Map.of(), AgentUser.ROOT);
        ExecResult passwd = probe.exec(ExecRequest.of("cat", "/etc/passwd").asUser("0").inDirectory("/")
                .withTimeout(DockerCli.CONTROL_TIMEOUT));
        if (!passwd.succeeded()) {
            throw new BackendException("could not read /etc/passwd in bottle '" + slug + "' (exit " + passwd.exitCode()
                    + "): " + passwd.stderrText().trim());
        }
        return AgentUser.parse(passwd.stdoutText());
    }

    /**
     * The agent is never root: a container whose image neither names its agent user in a label nor has a uid 1000
     * user gets one ({@link AgentUser#ENSURE_UID_1000}). @return the container's users after
     */
    private Map<String, AgentUser> withAgentUser(String slug, Map<String, AgentUser> users, Optional<String> labelled) {
        if (!AgentUser.needsAgentUser(users, labelled)) {
            return users;
        }
        var probe = new DockerBottle(docker, slug, Map.of(), AgentUser.ROOT);
        ExecResult added = probe.exec(ExecRequest.of("sh", "-c", AgentUser.ENSURE_UID_1000).asUser("0").inDirectory("/")
                .withTimeout(DockerCli.CONTROL_TIMEOUT));
        if (!added.succeeded()) {
            throw new BackendException("bottle '" + slug + "': the image has no user with uid 1000 and adding one"
                    + " failed (exit " + added.exitCode() + "): " + added.stderrText().trim() + "; give the image a"
                    + " non-root user with uid 1000 or name one in its " + Names.USER_LABEL + " label");
        }
        LOG.info("bottle {}: the image has no user with uid 1000; added one for the agent", slug);
        return readUsers(slug);
    }

    /** The handle of a running container, its users read from it now. */
    Bottle inspected(String slug) {
        String container = Names.container(slug);
        CommandResult inspect = docker.run(List.of("container", "inspect", "--format", "{{json .}}", container));
        if (!inspect.succeeded()) {
            throw new BackendException("no bottle '" + slug + "' runs: docker has no container " + container + " ("
                    + inspect.stderrText() + ")");
        }
        DockerOutput.ContainerState state = DockerOutput.container(inspect.stdoutText());
        if (!state.running()) {
            throw new BackendException("bottle '" + slug + "' is not running (container " + container + " is "
                    + state.status() + "); resume it first");
        }
        Optional<String> labelled = Optional.ofNullable(state.labels().get(Names.USER_LABEL));
        Map<String, AgentUser> users = withAgentUser(slug, readUsers(slug), labelled);
        try {
            AgentUser agent = AgentUser.choose(users, labelled);
            return new DockerBottle(docker, slug, users, agent);
        } catch (IllegalArgumentException e) {
            throw new BackendException("bottle '" + slug + "': " + e.getMessage() + "; fix the image", e);
        }
    }

    /**
     * The bridge's IPv4 address, read from this host's interface (the engine assigns it when it creates the network;
     * no process round trip), else from the network's IPAM configuration (an engine in another network namespace).
     */
    String bridgeAddress(String slug) {
        try {
            java.net.NetworkInterface bridge = java.net.NetworkInterface.getByName(Names.bridgeInterface(slug));
            if (bridge != null) {
                Optional<String> address = bridge.inetAddresses().filter(java.net.Inet4Address.class::isInstance)
                        .map(java.net.InetAddress::getHostAddress).findFirst();
                if (address.isPresent()) {
                    return address.get();
                }
            }
        } catch (java.net.SocketException e) {
            LOG.debug("cannot read interface {}: {}", Names.bridgeInterface(slug), e.getMessage());
        }
        String network = Names.network(slug);
        String ipam = docker.check("inspect network " + network,
                List.of("network", "inspect", "--format", "{{json .IPAM.Config}}", network));
        return DockerOutput.ipv4Gateway(ipam).orElseThrow(() -> new BackendException("network " + network
                + " has no IPv4 gateway address (IPAM config: " + ipam.strip() + "); remove it with "
                + "'docker network rm " + network + "' and try again"));
    }

    /** Explains why the engine refused a name: the container's or the network's, left over or someone else's. */
    BackendException collision(String slug) {
        String container = Names.container(slug);
        DockerCli.Presence containerPresence = docker.container(container);
        if (containerPresence != DockerCli.Presence.ABSENT) {
            return Refusals.collision("container", container, slug, containerPresence);
        }
        String network = Names.network(slug);
        DockerCli.Presence networkPresence = docker.network(network);
        return Refusals.collision("network", network, slug, networkPresence == DockerCli.Presence.ABSENT
                ? DockerCli.Presence.MANAGED : networkPresence);
    }
}
