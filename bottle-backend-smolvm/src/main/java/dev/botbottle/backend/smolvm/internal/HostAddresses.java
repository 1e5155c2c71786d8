package dev.botbottle.backend.smolvm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botbottle.spi.BackendException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gives each bottle its own host address: a device {@code bbv-<hash>} (dummy, or an empty bridge where the kernel
 * has no dummy driver) holding one address from 198.18.0.0/15 (RFC 2544: never routed, rarely used on a LAN),
 * with the slug in its alias so a later process finds it. The gateway services listen there and the machine's
 * allow-list holds that address alone; {@link AddressFirewall} limits it to the gateway ports.
 */
public final class HostAddresses {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POOL_BASE = (198 << 24) | (18 << 16);
    private static final int POOL_SIZE = 1 << 17;

    private final String ip;
    private final ProcessRunner runner;

    /**
     * @param ip the {@code ip} executable (iproute2)
     * @param runner runs it
     */
    public HostAddresses(String ip, ProcessRunner runner) {
        this.ip = ip;
        this.runner = runner;
    }

    /**
     * Makes the bottle's device and address.
     *
     * @param slug the bottle
     * @return the address (an IPv4 literal)
     * @throws BackendException quoting {@code ip} when the device cannot be made
     */
    public String allocate(String slug) {
        Set<String> used = localAddresses();
        int start = Math.floorMod(Names.hash(slug).hashCode(), POOL_SIZE - 2) + 1;
        for (int i = 0; i < POOL_SIZE - 2; i++) {
            int offset = 1 + Math.floorMod(start - 1 + i, POOL_SIZE - 2);
            String candidate = format(POOL_BASE + offset);
            if (!used.contains(candidate) && !candidate.endsWith(".0") && !candidate.endsWith(".255")) {
                ensure(slug, candidate);
                return candidate;
            }
        }
        throw new BackendException("no free address left in 198.18.0.0/15 for bottle " + slug);
    }

    /**
     * Makes the bottle's device with the given address if it is missing (a host reboot removes it).
     *
     * @param slug the bottle
     * @param address its recorded address
     */
    public void ensure(String slug, String address) {
        String device = Names.device(slug);
        if (address(slug).filter(address::equals).isPresent()) {
            return;
        }
        if (!exists(device)) {
            ProcessRunner.Captured dummy = run(List.of("link", "add", device, "type", "dummy"));
            if (!dummy.succeeded()) {
                // kernels without the dummy driver: an empty bridge holds an address just as well
                check("make device " + device, List.of("link", "add", device, "type", "bridge"));
            }
        }
        check("name device " + device, List.of("link", "set", "dev", device, "alias", Names.DEVICE_ALIAS_PREFIX + slug));
        check("give " + device + " address " + address, List.of("addr", "replace", address + "/32", "dev", device));
        check("bring " + device + " up", List.of("link", "set", "dev", device, "up"));
    }

    /**
     * @param slug the bottle
     * @return its device's address, when the device exists
     */
    public Optional<String> address(String slug) {
        ProcessRunner.Captured r = run(List.of("-j", "-4", "addr", "show", "dev", Names.device(slug)));
        if (!r.succeeded()) {
            return Optional.empty();
        }
        for (JsonNode link : parse(r.out())) {
            for (JsonNode info : link.path("addr_info")) {
                if (info.path("local").isTextual()) {
                    return Optional.of(info.path("local").asText());
                }
            }
        }
        return Optional.empty();
    }

    /** @return the slugs whose devices exist on this host */
    public Set<String> slugs() {
        ProcessRunner.Captured r = run(List.of("-j", "link", "show"));
        Set<String> slugs = new LinkedHashSet<>();
        if (!r.succeeded()) {
            return slugs;
        }
        for (JsonNode link : parse(r.out())) {
            String alias = link.path("ifalias").asText("");
            if (link.path("ifname").asText("").startsWith("bbv-") && alias.startsWith(Names.DEVICE_ALIAS_PREFIX)) {
                slugs.add(alias.substring(Names.DEVICE_ALIAS_PREFIX.length()));
            }
        }
        return slugs;
    }

    /**
     * Removes the bottle's device (and with it the address); idempotent.
     *
     * @param slug the bottle
     */
    public void remove(String slug) {
        String device = Names.device(slug);
        if (exists(device)) {
            check("remove device " + device, List.of("link", "del", device));
        }
    }

    private boolean exists(String device) {
        return run(List.of("link", "show", "dev", device)).succeeded();
    }

    private Set<String> localAddresses() {
        ProcessRunner.Captured r = run(List.of("-j", "-4", "addr", "show"));
        if (!r.succeeded()) {
            throw new BackendException("could not list this host's addresses ('" + ip + " -j -4 addr show' exit "
                    + r.exitCode() + "): " + r.err());
        }
        Set<String> used = new HashSet<>();
        for (JsonNode link : parse(r.out())) {
            link.path("addr_info").forEach(info -> used.add(info.path("local").asText("")));
        }
        return used;
    }

    static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    private static List<JsonNode> parse(String json) {
        try {
            JsonNode node = JSON.readTree(json.isBlank() ? "[]" : json);
            List<JsonNode> out = new ArrayList<>();
            node.forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new BackendException("ip printed something that is not JSON: " + json.strip(), e);
        }
    }

    private ProcessRunner.Captured run(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(ip);
        argv.addAll(args);
        return runner.capture(ProcessRunner.Invocation.of(TIMEOUT, argv));
    }

    private void check(String operation, List<String> args) {
        ProcessRunner.Captured r = run(args);
        if (!r.succeeded()) {
            throw new BackendException("could not " + operation + " ('" + ip + " " + String.join(" ", args)
                    + "' exit " + r.exitCode() + "): " + (r.timedOut() ? "timed out" : r.err()));
        }
    }
}
