package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.support.AgentUser;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerOutputTests {

    static final String PASSWD = String.join("\n",
            "root:x:0:0:root:/root:/bin/bash",
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
            "broken line",
            "agent:x:1000:1000::/home/agent:/bin/bash",
            "dev:x:1001:1001::/home/dev:/bin/bash", "");

    @Test
    void parsesUsersFromPasswdSkippingMalformedLines() {
        Map<String, AgentUser> users = AgentUser.parse(PASSWD);
        assertThat(users).containsOnlyKeys("root", "daemon", "agent", "dev");
        assertThat(users.get("agent")).isEqualTo(new AgentUser("agent", 1000, 1000, "/home/agent"));
    }

    @Test
    void agentIsTheUserWithUid1000WhenTheImageNamesNone() {
        assertThat(AgentUser.choose(AgentUser.parse(PASSWD), Optional.empty()).name()).isEqualTo("agent");
    }

    @Test
    void agentIsTheUserTheImageLabelNames() {
        assertThat(AgentUser.choose(AgentUser.parse(PASSWD), Optional.of("dev")).home()).isEqualTo("/home/dev");
    }

    @Test
    void theAgentIsNeverRootWhenTheImageHasNoUid1000() {
        assertThatThrownBy(() -> AgentUser.choose(AgentUser.parse("root:x:0:0:root:/root:/bin/sh\n"),
                Optional.empty())).hasMessageContaining("uid 1000").hasMessageContaining("never runs as root");
    }

    @Test
    void aLabelNamingAMissingUserIsAnError() {
        assertThatThrownBy(() -> AgentUser.choose(AgentUser.parse(PASSWD), Optional.of("ghost")))
                .hasMessageContaining("dev.botbottle.user=ghost");
    }

    @Test
    void findsTheIpv4GatewayOfANetwork() {
        assertThat(DockerOutput.ipv4Gateway("[{\"Subnet\":\"fd00::/64\",\"Gateway\":\"fd00::1\"},"
                + "{\"Subnet\":\"172.18.0.0/16\",\"Gateway\":\"172.18.0.1\"}]")).contains("172.18.0.1");
        assertThat(DockerOutput.ipv4Gateway("[]")).isEmpty();
        assertThat(DockerOutput.ipv4Gateway("null")).isEmpty();
    }

    @Test
    void listsTheEnginesRuntimes() {
        assertThat(DockerOutput.runtimes("{\"runc\":{\"path\":\"runc\"},\"runsc\":{\"path\":\"/usr/bin/runsc\"}}"))
                .containsExactly("runc", "runsc");
    }

    @Test
    void readsContainerStateAndLabels() {
        var state = DockerOutput.container("{\"State\":{\"Status\":\"exited\",\"Running\":false},"
                + "\"Config\":{\"Labels\":{\"dev.botbottle.user\":\"dev\"}}}");
        assertThat(state.running()).isFalse();
        assertThat(state.status()).isEqualTo("exited");
        assertThat(state.labels()).containsEntry("dev.botbottle.user", "dev");
    }

    @Test
    void linesAreDistinctAndNonBlank() {
        assertThat(DockerOutput.lines("a\n\nb\na\n")).containsExactly("a", "b");
    }
}
