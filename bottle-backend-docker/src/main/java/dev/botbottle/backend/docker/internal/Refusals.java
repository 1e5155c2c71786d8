package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ResourceLimits;

import java.util.List;
import java.util.Optional;

/** The texts the Docker backend says: what isolates a bottle, and why it refuses one. */
final class Refusals {

    private Refusals() {
    }

    static String isolation(String slug, Optional<String> firewallProblem, boolean weakAllowed) {
        if (firewallProblem.isEmpty()) {
            return "host firewall chain " + Names.chain(slug) + " on " + Names.bridgeInterface(slug)
                    + " accepts only the gateway ports on the bridge address";
        }
        return (weakAllowed ? "WEAK (allowed)" : "WEAK (refused)") + ": no host firewall rules ("
                + firewallProblem.get() + "); the bottle can reach every service on this host's addresses";
    }

    static String describe(ResourceLimits limits) {
        List<String> args = DockerArgs.limits(limits);
        return args.isEmpty() ? "engine defaults" : String.join(" ", args);
    }

    static BackendException collision(String kind, String name, String slug, DockerCli.Presence presence) {
        String remove = kind.equals("container") ? "docker rm -f " + name : "docker network rm " + name;
        if (presence == DockerCli.Presence.FOREIGN) {
            return new BackendException("a " + kind + " named '" + name + "' already exists and was not made by "
                    + "bot-bottle (no " + Names.MANAGED_LABEL + "=true label); choose another bottle name, or remove it "
                    + "yourself if you are sure: '" + remove + "'");
        }
        return new BackendException("a " + kind + " named '" + name + "' already exists, left over from an earlier "
                + "bottle '" + slug + "'. Remove it with `bottle rm " + slug + "`, or by hand: 'docker rm -f "
                + Names.container(slug) + "' and 'docker network rm " + Names.network(slug) + "'");
    }

    static BackendException weakRefused(String slug, String why) {
        return new BackendException("cannot isolate bottle '" + slug + "' from this host's services: " + why
                + ". Run as root with iptables installed, or accept weak isolation (the bottle could then reach every "
                + "service listening on this host): `bottle launch AGENT --allow-weak-isolation`, or"
                + " LaunchOptions.allowWeakIsolation when embedding");
    }
}
