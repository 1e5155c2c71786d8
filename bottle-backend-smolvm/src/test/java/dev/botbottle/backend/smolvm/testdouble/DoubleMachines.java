package dev.botbottle.backend.smolvm.testdouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The double's machines: each a Docker container {@code smolvm-double-<name>} whose labels hold the machine
 * record, on an internal network with a host firewall chain standing in for smolvm's egress allow-list (every
 * port of an allowed address; nothing else), or on no network at all when no network flag was given.
 */
final class DoubleMachines {

    static final String MACHINE_LABEL = "smolvm-double.machine";
    static final String NAME_LABEL = "smolvm-double.name";
    static final String USER_LABEL_PREFIX = "smolvm-double.label.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DoubleMachines() {
    }

    static String container(String name) {
        return "smolvm-double-" + name;
    }

    static String network(String name) {
        return "smolvm-double-" + name;
    }

    static String bridge(String name) {
        return "sd-" + hash(name);
    }

    static String chain(String name) {
        return "SD-" + hash(name);
    }

    /** @return the container's inspect JSON, or empty when there is no such machine */
    static Optional<JsonNode> inspect(String name) {
        DoubleHost.Run r = DoubleHost.run("docker", "container", "inspect", "--format", "{{json .}}", container(name));
        if (!r.ok()) {
            return Optional.empty();
        }
        JsonNode node = read(r.out());
        if (!"true".equals(node.path("Config").path("Labels").path(MACHINE_LABEL).asText())) {
            return Optional.empty();
        }
        return Optional.of(node);
    }

    static JsonNode require(String name) {
        return inspect(name).orElseThrow(() -> new DoubleHost.Failure("machine '" + name + "' not found"));
    }

    static boolean running(JsonNode container) {
        return container.path("State").path("Running").asBoolean(false);
    }

    static void requireRunning(String name) {
        if (!running(require(name))) {
            throw new DoubleHost.Failure("machine '" + name + "' is not running. Use 'smolvm machine start --name "
                    + name + "' first.");
        }
    }

    /** @return smolvm's {@code machine_status_json} shape for a machine */
    static ObjectNode statusJson(JsonNode container) {
        Map<String, String> labels = new LinkedHashMap<>();
        container.path("Config").path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        String status = container.path("State").path("Status").asText();
        String state = switch (status) {
            case "running" -> "running";
            case "created" -> "created";
            case "exited" -> "stopped";
            default -> "failed";
        };
        ObjectNode o = JSON.createObjectNode();
        o.put("name", labels.get(NAME_LABEL));
        o.put("state", state);
        o.put("cpus", Integer.parseInt(labels.getOrDefault("smolvm-double.cpus", "4")));
        o.put("memory_mib", Integer.parseInt(labels.getOrDefault("smolvm-double.mem", "8192")));
        long pid = container.path("State").path("Pid").asLong(0);
        if (pid > 0) {
            o.put("pid", pid);
        } else {
            o.putNull("pid");
        }
        o.put("mounts", 0);
        o.put("ports", 0);
        o.put("created_at", Long.parseLong(labels.getOrDefault("smolvm-double.created-at", "0")));
        o.putNull("storage_gb");
        o.putNull("overlay_gb");
        o.put("image", labels.get("smolvm-double.image"));
        o.putArray("entrypoint");
        o.putArray("cmd");
        o.put("ephemeral", false);
        o.put("gpu", false);
        o.putNull("gpu_vram_mib");
        o.put("cuda", false);
        o.put("forkable", false);
        o.putNull("cuda_fork_pool_size");
        o.putNull("cuda_vram_limit_mib");
        o.put("forkpoint_held", false);
        ObjectNode userLabels = o.putObject("labels");
        labels.forEach((k, v) -> {
            if (k.startsWith(USER_LABEL_PREFIX)) {
                userLabels.put(k.substring(USER_LABEL_PREFIX.length()), v);
            }
        });
        o.put("restart_policy", "never");
        o.put("restart_max_retries", 0);
        o.put("restart_count", 0);
        o.putNull("health_cmd");
        o.putNull("health_interval_secs");
        o.putNull("health_timeout_secs");
        o.putNull("health_retries");
        o.putNull("health_startup_grace_secs");
        o.put("network", "true".equals(labels.get("smolvm-double.network")));
        return o;
    }

    static ArrayNode listJson() {
        ArrayNode array = JSON.createArrayNode();
        String names = DoubleHost.check("list machines", "docker", "ps", "-a", "--filter", "label=" + MACHINE_LABEL
                + "=true", "--format", "{{.Label \"" + NAME_LABEL + "\"}}");
        for (String name : names.split("\n")) {
            if (!name.isBlank()) {
                inspect(name.strip()).ifPresent(c -> array.add(statusJson(c)));
            }
        }
        return array;
    }

    /**
     * Loads a {@code docker save} archive when the engine lacks its image.
     *
     * @return the image id
     */
    static String load(Path archive) {
        if (!Files.isRegularFile(archive)) {
            throw new DoubleHost.Failure("image archive " + archive + " does not exist");
        }
        String config = null;
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
             TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().equals("manifest.json")) {
                    JsonNode manifest = JSON.readTree(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                    config = manifest.path(0).path("Config").asText(null);
                    break;
                }
            }
        } catch (IOException e) {
            throw new DoubleHost.Failure("cannot read image archive " + archive + ": " + e.getMessage());
        }
        if (config == null) {
            throw new DoubleHost.Failure("image archive " + archive + " has no manifest.json (not docker save output)");
        }
        String id = "sha256:" + config.replaceFirst("^blobs/sha256/", "").replaceFirst("\\.json$", "");
        if (!DoubleHost.run("docker", "image", "inspect", id).ok()) {
            DoubleHost.check("load image archive " + archive, "docker", "load", "-i", archive.toString());
        }
        return id;
    }

    /** Installs the chain standing in for the allow-list: allowed destinations pass on, the rest is refused. */
    static void allowList(String name, List<String> cidrs) {
        String chain = chain(name);
        StringBuilder script = new StringBuilder("*filter\n:").append(chain).append(" - [0:0]\n");
        for (String cidr : cidrs) {
            script.append("-A ").append(chain).append(" -d ").append(cidr).append(" -j RETURN\n");
        }
        script.append("-A ").append(chain).append(" -p tcp -j REJECT --reject-with tcp-reset\n");
        script.append("-A ").append(chain).append(" -p udp -j REJECT --reject-with icmp-port-unreachable\n");
        script.append("-A ").append(chain).append(" -j DROP\n");
        script.append("-I INPUT 1 -i ").append(bridge(name)).append(" -j ").append(chain).append('\n');
        DoubleHost.iptablesRestore(script.append("COMMIT\n").toString());
    }

    static void removeAllowList(String name) {
        List<String> jump = List.of("INPUT", "-i", bridge(name), "-j", chain(name));
        for (int i = 0; i < 8; i++) {
            List<String> check = new ArrayList<>(List.of("iptables", "-w", "-C"));
            check.addAll(jump);
            if (!DoubleHost.run(check.toArray(String[]::new)).ok()) {
                break;
            }
            List<String> delete = new ArrayList<>(List.of("iptables", "-w", "-D"));
            delete.addAll(jump);
            DoubleHost.run(delete.toArray(String[]::new));
        }
        if (DoubleHost.run("iptables", "-w", "-S", chain(name)).ok()) {
            DoubleHost.run("iptables", "-w", "-F", chain(name));
            DoubleHost.run("iptables", "-w", "-X", chain(name));
        }
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new DoubleHost.Failure("docker printed something that is not JSON: " + json);
        }
    }

    static String hash(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
