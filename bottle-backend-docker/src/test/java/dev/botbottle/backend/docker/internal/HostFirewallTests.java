package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.GatewayPorts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostFirewallTests {

    private static final String CHAIN = Names.chain("dev-abc");
    private static final String BRIDGE = Names.bridgeInterface("dev-abc");

    @Test
    void chainAcceptsRepliesAndGatewayPortsOnTheBridgeAddressThenRefusesTheRest() {
        List<String> rules = HostFirewall.chainRules(CHAIN, "172.18.0.1",
                new GatewayPorts(List.of(4001, 4000, 4001, 53), List.of(53))).stream()
                .map(r -> String.join(" ", r)).toList();
        assertThat(rules).containsExactly(
                "-A " + CHAIN + " -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A " + CHAIN + " -p tcp -d 172.18.0.1 --dport 53 -j ACCEPT",
                "-A " + CHAIN + " -p tcp -d 172.18.0.1 --dport 4000 -j ACCEPT",
                "-A " + CHAIN + " -p tcp -d 172.18.0.1 --dport 4001 -j ACCEPT",
                "-A " + CHAIN + " -p udp -d 172.18.0.1 --dport 53 -j ACCEPT",
                "-A " + CHAIN + " -p tcp -j REJECT --reject-with tcp-reset",
                "-A " + CHAIN + " -p udp -j REJECT --reject-with icmp-port-unreachable",
                "-A " + CHAIN + " -j DROP");
    }

    @Test
    void installFillsTheChainAndAddsTheJumpInOneTransaction() {
        var runner = new RecordingRunner().when("-S INPUT", CommandResult.ok("-P INPUT ACCEPT\n"));
        new HostFirewall("/usr/sbin/iptables", runner).install("dev-abc", "172.18.0.1", GatewayPorts.tcp(4000),
                "4242@1700000000000");
        Command restore = runner.commands.get(runner.commands.size() - 1);
        assertThat(restore.argv()).containsExactly("/usr/sbin/iptables-restore", "-w", "--noflush");
        String script = new String(restore.stdin().orElseThrow(), StandardCharsets.US_ASCII);
        assertThat(script.lines().toList()).containsExactly(
                "*filter",
                ":" + CHAIN + " - [0:0]",
                "-A " + CHAIN + " -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A " + CHAIN + " -p tcp -d 172.18.0.1 --dport 4000 -j ACCEPT",
                "-A " + CHAIN + " -p tcp -j REJECT --reject-with tcp-reset",
                "-A " + CHAIN + " -p udp -j REJECT --reject-with icmp-port-unreachable",
                "-A " + CHAIN + " -j DROP",
                "-I INPUT 1 -i " + BRIDGE + " -m comment --comment \"bot-bottle slug=dev-abc session=4242@1700000000000\" -j "
                        + CHAIN,
                "COMMIT");
    }

    @Test
    void aSessionThatIsNotOneIsLeftOutOfTheComment() {
        var runner = new RecordingRunner();
        new HostFirewall("iptables", runner).install("dev-abc", "172.18.0.1", GatewayPorts.tcp(4000), "x\" -j ACCEPT");
        String script = new String(runner.commands.get(runner.commands.size() - 1).stdin().orElseThrow(),
                StandardCharsets.US_ASCII);
        assertThat(script).contains("--comment \"bot-bottle slug=dev-abc\" -j " + CHAIN).doesNotContain("ACCEPT\"");
    }

    @Test
    void reinstallReplacesTheRulesAndKeepsTheSingleJump() {
        var runner = new RecordingRunner().when("-S INPUT", CommandResult.ok("-P INPUT ACCEPT\n-A INPUT -i " + BRIDGE
                + " -m comment --comment \"bot-bottle slug=dev-abc session=1@2\" -j " + CHAIN + "\n"));
        new HostFirewall("iptables", runner).install("dev-abc", "172.18.0.1", GatewayPorts.tcp(4000));
        String script = new String(runner.commands.get(runner.commands.size() - 1).stdin().orElseThrow(),
                StandardCharsets.US_ASCII);
        assertThat(script).contains(":" + CHAIN + " - [0:0]").doesNotContain("-I INPUT");
    }

    @Test
    void aBridgeAddressThatIsNotIpv4IsRefused() {
        assertThatThrownBy(() -> new HostFirewall("iptables", new RecordingRunner())
                .install("dev-abc", "1.2.3.4 -j ACCEPT", GatewayPorts.tcp(1)))
                .isInstanceOf(BackendException.class).hasMessageContaining("not an IPv4 address");
    }

    @Test
    void removeIsANoOpWhenNothingIsInstalled() {
        var runner = new RecordingRunner()
                .when("-S " + CHAIN, CommandResult.failed(1, "No chain/target/match by that name."))
                .when("-S INPUT", CommandResult.ok("-P INPUT ACCEPT\n-A INPUT -i bb-other -j BB-0000000000\n"));
        new HostFirewall("iptables", runner).remove("dev-abc");
        assertThat(runner.lines()).noneMatch(l -> l.contains(" -D ") || l.contains(" -X "));
    }

    @Test
    void removeDeletesEveryJumpWithOrWithoutCommentThenTheChain() {
        var runner = new RecordingRunner().when("-S INPUT", CommandResult.ok("-P INPUT ACCEPT\n"
                + "-A INPUT -i " + BRIDGE + " -m comment --comment \"bot-bottle slug=dev-abc session=1@2\" -j " + CHAIN + "\n"
                + "-A INPUT -i " + BRIDGE + " -j " + CHAIN + "\n"
                + "-A INPUT -i docker0 -j ACCEPT\n"));
        new HostFirewall("iptables", runner).remove("dev-abc");
        assertThat(runner.lines()).containsSubsequence(
                "iptables -w -D INPUT -i " + BRIDGE + " -m comment --comment bot-bottle slug=dev-abc session=1@2 -j " + CHAIN,
                "iptables -w -D INPUT -i " + BRIDGE + " -j " + CHAIN,
                "iptables -w -F " + CHAIN, "iptables -w -X " + CHAIN);
        assertThat(runner.commands).filteredOn(c -> c.argv().contains("-D")).first()
                .satisfies(c -> assertThat(c.argv()).contains("bot-bottle slug=dev-abc session=1@2"));
    }

    @Test
    void chainsAreFoundByTheirCommentEvenWithoutANetwork() {
        var runner = new RecordingRunner().when("-S INPUT", CommandResult.ok("-P INPUT ACCEPT\n"
                + "-A INPUT -i " + BRIDGE + " -m comment --comment \"bot-bottle slug=dev-abc session=1@2\" -j " + CHAIN + "\n"
                + "-A INPUT -i bb-x -m comment --comment \"bot-bottle slug=forged\" -j BB-not-its-hash\n"
                + "-A INPUT -i docker0 -j ACCEPT\n"));
        assertThat(new HostFirewall("iptables", runner).slugs()).containsExactly("dev-abc");
    }

    @Test
    void iptablesLinesAreSplitKeepingQuotedComments() {
        assertThat(HostFirewall.tokens("-A INPUT -i bb-1 -m comment --comment \"a b \\\"c\\\"\" -j BB-1"))
                .containsExactly("-A", "INPUT", "-i", "bb-1", "-m", "comment", "--comment", "a b \"c\"", "-j", "BB-1");
        assertThat(HostFirewall.tokens("-P INPUT ACCEPT")).containsExactly("-P", "INPUT", "ACCEPT");
    }

    @Test
    void unavailableReasonQuotesIptables() {
        var runner = new RecordingRunner().when("-S INPUT",
                CommandResult.failed(4, "iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: "
                        + "Permission denied (you must be root)"));
        assertThat(new HostFirewall("iptables", runner).unavailableReason()).get().asString()
                .contains("you must be root").contains("needs root");
    }

    @Test
    void aFailedInstallIsAnErrorQuotingIptables() {
        var runner = new RecordingRunner().when("iptables-restore", CommandResult.failed(1, "line 3 failed"));
        assertThatThrownBy(() -> new HostFirewall("iptables", runner).install("dev-abc", "172.18.0.1", GatewayPorts.tcp(1)))
                .isInstanceOf(BackendException.class).hasMessageContaining("line 3 failed");
    }

    @Test
    void aMissingRestoreProgramMakesTheFirewallUnavailable() {
        assertThat(new HostFirewall("/nonexistent/iptables", new RecordingRunner()).unavailableReason()).get()
                .asString().contains("iptables-restore is missing");
    }

    @Test
    void portsOutsideTheTcpRangeAreRefused() {
        assertThatThrownBy(() -> HostFirewall.chainRules(CHAIN, "172.18.0.1", GatewayPorts.tcp(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 0");
    }
}
