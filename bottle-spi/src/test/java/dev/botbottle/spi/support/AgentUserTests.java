package dev.botbottle.spi.support;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentUserTests {

    private static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\n# a comment\nbroken line\n"
            + "toor:x:0:0:another root:/root:/bin/sh\ndev:x:1001:1001::/home/dev:/bin/bash\n"
            + "agent:x:1000:1000::/home/agent:/bin/bash\n";

    @Test
    void theLabelledUserIsChosenElseTheOneWithUid1000() {
        Map<String, AgentUser> users = AgentUser.parse(PASSWD);
        assertThat(users).containsOnlyKeys("root", "toor", "dev", "agent");
        assertThat(AgentUser.choose(users, Optional.of("dev")).home()).isEqualTo("/home/dev");
        assertThat(AgentUser.choose(users, Optional.empty()).name()).isEqualTo("agent");
        assertThat(AgentUser.needsAgentUser(users, Optional.empty())).isFalse();
    }

    @Test
    void theAgentIsNeverRootNeitherByFallbackNorByLabel() {
        Map<String, AgentUser> onlyRoot = AgentUser.parse("root:x:0:0:root:/root:/bin/sh\n");
        assertThat(AgentUser.needsAgentUser(onlyRoot, Optional.empty())).isTrue();
        assertThatThrownBy(() -> AgentUser.choose(onlyRoot, Optional.empty()))
                .hasMessageContaining("never runs as root");
        Map<String, AgentUser> users = AgentUser.parse(PASSWD);
        assertThatThrownBy(() -> AgentUser.choose(users, Optional.of("root"))).hasMessageContaining("uid 0");
        assertThatThrownBy(() -> AgentUser.choose(users, Optional.of("toor"))).hasMessageContaining("uid 0");
        assertThatThrownBy(() -> AgentUser.choose(users, Optional.of("ghost")))
                .hasMessageContaining("not in the image's /etc/passwd");
    }

    @Test
    void execUsersAreFoundByNameOrUid() {
        Map<String, AgentUser> users = AgentUser.parse(PASSWD);
        assertThat(AgentUser.find(users, "1001")).map(AgentUser::name).contains("dev");
        assertThat(AgentUser.find(users, "0")).map(AgentUser::uid).contains(0);
        assertThat(AgentUser.find(users, "nobody")).isEmpty();
        assertThat(AgentUser.find(users, "agent").orElseThrow().owner()).isEqualTo("1000:1000");
    }
}
