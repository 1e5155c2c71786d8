package dev.botbottle.gitgate.internal;

import dev.botbottle.spi.GitPushPolicy;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushRulesTests {

    static final ObjectId A = ObjectId.fromString("1111111111111111111111111111111111111111");
    static final ObjectId B = ObjectId.fromString("2222222222222222222222222222222222222222");
    static final Optional<String> MAIN = Optional.of("refs/heads/main");

    static ReceiveCommand cmd(String ref, ReceiveCommand.Type type) {
        return switch (type) {
            case CREATE -> new ReceiveCommand(ObjectId.zeroId(), B, ref, type);
            case DELETE -> new ReceiveCommand(A, ObjectId.zeroId(), ref, type);
            default -> new ReceiveCommand(A, B, ref, type);
        };
    }

    @Test
    void theUpstreamsDefaultBranchIsProtectedAgainstForceAndDeletionButTakesFastForwards() {
        PushRules rules = new PushRules(GitPushPolicy.DEFAULTS);
        assertThat(rules.check(cmd("refs/heads/main", ReceiveCommand.Type.UPDATE), MAIN)).isEmpty();
        assertThat(rules.check(cmd("refs/heads/main", ReceiveCommand.Type.UPDATE_NONFASTFORWARD), MAIN)).get()
                .asString().contains("main is a protected branch: a force push").contains("1111111 to 2222222");
        assertThat(rules.check(cmd("refs/heads/main", ReceiveCommand.Type.DELETE), MAIN)).get().asString()
                .contains("deleting it is refused");
        assertThat(rules.check(cmd("refs/heads/topic", ReceiveCommand.Type.UPDATE_NONFASTFORWARD), MAIN)).isEmpty();
        assertThat(rules.check(cmd("refs/heads/topic", ReceiveCommand.Type.DELETE), MAIN)).isEmpty();
    }

    @Test
    void anEmptyUpstreamProtectsTheUsualDefaultNamesAndTheManifestsPatternsReplaceTheDefault() {
        assertThat(new PushRules(GitPushPolicy.DEFAULTS).protectedPatterns(Optional.empty()))
                .containsExactly("main", "master");
        PushRules rules = new PushRules(GitPushPolicy.DEFAULTS.withProtectedBranches(List.of("release/*")));
        assertThat(rules.check(cmd("refs/heads/release/1.0", ReceiveCommand.Type.DELETE), MAIN)).isPresent();
        assertThat(rules.check(cmd("refs/heads/main", ReceiveCommand.Type.DELETE), MAIN)).isEmpty();
    }

    @Test
    void allowedBranchesLimitWhatMayBePushedAndRefuseTags() {
        PushRules rules = new PushRules(GitPushPolicy.DEFAULTS.withAllowedBranches(List.of("agent/*", "bots/**")));
        assertThat(rules.check(cmd("refs/heads/agent/fix-1", ReceiveCommand.Type.CREATE), MAIN)).isEmpty();
        assertThat(rules.check(cmd("refs/heads/bots/a/b", ReceiveCommand.Type.CREATE), MAIN)).isEmpty();
        assertThat(rules.check(cmd("refs/heads/agent/a/b", ReceiveCommand.Type.CREATE), MAIN)).get().asString()
                .contains("branch agent/a/b is outside the allowed branches agent/*, bots/** (commit 2222222)");
        assertThat(rules.check(cmd("refs/tags/v1", ReceiveCommand.Type.CREATE), MAIN)).get().asString()
                .contains("tags cannot be pushed");
        assertThat(new PushRules(GitPushPolicy.DEFAULTS).check(cmd("refs/tags/v1", ReceiveCommand.Type.CREATE), MAIN))
                .isEmpty();
    }

    @Test
    void onlyBranchesAndTagsCanBePushed() {
        assertThat(new PushRules(GitPushPolicy.DEFAULTS).check(cmd("refs/notes/commits", ReceiveCommand.Type.CREATE),
                MAIN)).get().asString().contains("only branches (refs/heads/) and tags");
    }

    @Test
    void branchPatternsAreValidated() {
        assertThatThrownBy(() -> GitPushPolicy.DEFAULTS.withAllowedBranches(List.of("a..b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a branch pattern");
        assertThatThrownBy(() -> GitPushPolicy.DEFAULTS.withMaxPushBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePinnedHostKeysFingerprintIsOpenSshs() {
        // what ssh-keygen -lf prints for this key
        PinnedHostKey k = new PinnedHostKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x");
        assertThat(k.fingerprint()).isEqualTo("SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU");
        assertThat(k.algorithms()).isEqualTo("ssh-ed25519");
        assertThat(new PinnedHostKey("ssh-rsa AAAAB3NzaC1yc2E=").algorithms()).startsWith("rsa-sha2-512");
    }
}
