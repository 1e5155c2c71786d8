package dev.botbottle.backend.kubernetes.internal;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code agent-firewall} init container's script ({@link Manifests#AGENT_FIREWALL}) run by this host's real
 * {@code iptables} in a fresh network namespace standing in for the Pod's (loopback, and a veth to an address with
 * no host behind it standing in for the cluster network). Needs root, {@code unshare}, {@code iptables},
 * {@code ip6tables}, {@code setpriv}; skipped with the reason printed otherwise.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentFirewallTests {

    /** The stand-in Pod: loopback up, and a veth towards 10.99.0.0/24 where no host answers. */
    private static final String POD_NETWORK = "ip link set lo up && ip link add v0 type veth peer name v1"
            + " && ip addr add 10.99.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up || exit 99";

    /** dial UID ADDRESS PORT: a TCP connect as UID, bounded to 5 s; then the REJECT rule's packet count. */
    private static final String DIAL = "dial() { setpriv --reuid \"$1\" --regid \"$1\" --clear-groups timeout 5 bash -c "
            + "'exec 3<>\"/dev/tcp/$0/$1\" && echo CONNECTED' \"$2\" \"$3\" 2>&1; echo \"rc=$?\"; "
            + "echo \"rejected=$(iptables -L OUTPUT -v -n -x | awk '/REJECT/ {print $1}')\"; }";

    @BeforeAll
    static void needsRootAndTools() {
        String missing = "";
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "not root";
        }
        for (String tool : List.of("unshare", "iptables", "ip6tables", "setpriv", "ip", "bash", "timeout")) {
            if (List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin").stream().noneMatch(d -> Files.isExecutable(
                    Path.of(d, tool)))) {
                missing = missing + (missing.isEmpty() ? "" : ", ") + tool + " missing";
            }
        }
        if (!missing.isEmpty()) {
            String reason = "the agent-firewall script needs root and a network namespace: " + missing;
            System.err.println("SKIPPED AgentFirewallTests: " + reason);
            Assumptions.abort(reason);
        }
    }

    private static String inPodNamespace(String script) throws Exception {
        Process p = new ProcessBuilder("unshare", "--net", "sh", "-c", POD_NETWORK + "\n" + DIAL + "\n" + script)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void theAgentsUidReachesLoopbackOnlyAndTheGatewaysUidIsLeftToTheNetworkPolicy() throws Exception {
        String out = inPodNamespace(String.join("\n",
                "(" + Manifests.AGENT_FIREWALL + ") && echo FIREWALL-UP || exit 98",
                "dial 1000 127.0.0.1 8080; echo ---",
                "dial 1000 10.99.0.2 443; echo ---",
                "dial 1001 10.99.0.2 443; echo ---",
                "ip6tables -S OUTPUT"));
        assertThat(out).contains("FIREWALL-UP");
        String[] parts = out.split("---\n");
        assertThat(parts).as(out).hasSize(4);
        assertThat(parts[0]).as("control: the agent dials its gateway's loopback (nothing listens: the kernel refuses)")
                .contains("refused").contains("rejected=0");
        assertThat(parts[1]).as("the agent is rejected off the Pod's loopback").contains("refused")
                .doesNotContain("rejected=0").doesNotContain("CONNECTED");
        String rejected = parts[1].substring(parts[1].indexOf("rejected="));
        // no host answers there: the gateway's dial ends unanswered (no ARP reply, or the 5 s bound), never rejected
        assertThat(parts[2]).as("the gateway's uid is not limited by the script").doesNotContain("refused")
                .doesNotContain("CONNECTED").contains(rejected.strip());
        assertThat(parts[3]).contains("-A OUTPUT -o lo -j ACCEPT")
                .contains("-A OUTPUT -m owner --uid-owner 1000 -j REJECT");
    }
}
