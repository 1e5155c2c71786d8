package dev.botbottle.provider.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botbottle.spi.CredentialException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodexHostLoginTests {
    private static final Instant NOW = Instant.parse("2026-11-26T21:00:00Z");
    private static final Instant EXP = NOW.plus(9, ChronoUnit.DAYS);

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("auth.json"), content);
    }

    @Test
    void readsTheAccessTokenAccountAndExpiryOfAChatGptLogin() throws IOException {
        CodexHostLogin login = CodexHostLogin.read(write(HostLogins.chatgpt(EXP)), NOW);

        assertThat(login.accessToken().reveal()).isEqualTo(HostLogins.accessToken(EXP));
        assertThat(login.accountId()).isEqualTo("acct-42");
        assertThat(login.accessTokenExpiry()).isEqualTo(EXP);
        assertThat(login.idTokenExpiry()).contains(EXP);
        assertThat(login.authClaims()).containsEntry("chatgpt_plan_type", "pro").containsEntry("chatgpt_user_id", "user-7");
        assertThat(login.toString()).doesNotContain("REAL").doesNotContain(HostLogins.accessToken(EXP));
    }

    @Test
    void failsNamingTheFileWhenItIsMissing() {
        Path missing = dir.resolve("nope/auth.json");
        assertThatThrownBy(() -> CodexHostLogin.read(missing, NOW)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("no Codex login at " + missing).hasMessageContaining("codex login");
    }

    @Test
    void refusesAnApiKeyLogin() throws IOException {
        Path file = write("{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"sk-proj-REAL-KEY-SECRET\"}");

        assertThatThrownBy(() -> CodexHostLogin.read(file, NOW)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("API-key login").hasMessageContaining(file.toString())
                .message().doesNotContain("REAL-KEY");
    }

    @Test
    void refusesAnOldStyleApiKeyLoginWithoutAuthMode() throws IOException {
        Path file = write("{\"OPENAI_API_KEY\":\"sk-REAL-KEY-SECRET\"}");

        assertThatThrownBy(() -> CodexHostLogin.read(file, NOW)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("API-key login").message().doesNotContain("REAL-KEY");
    }

    @Test
    void reportsInvalidJsonByPositionWithoutQuotingIt() throws IOException {
        Path file = write("{\"tokens\": {\"access_token\": REAL-UNQUOTED-SECRET}}");

        assertThatThrownBy(() -> CodexHostLogin.read(file, NOW)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("malformed").hasMessageContaining("not valid JSON (line 1")
                .hasNoCause().message().doesNotContain("REAL");
    }

    @Test
    void reportsMissingOrNonJwtTokensAsMalformed() throws IOException {
        Path noTokens = write("{\"auth_mode\":\"chatgpt\"}");
        assertThatThrownBy(() -> CodexHostLogin.read(noTokens, NOW)).hasMessageContaining("no \"tokens\" object");

        Path opaque = write("{\"tokens\":{\"access_token\":\"REAL-OPAQUE-SECRET\",\"account_id\":\"a\"}}");
        assertThatThrownBy(() -> CodexHostLogin.read(opaque, NOW)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("tokens.access_token is not a JWT").message().doesNotContain("REAL");

        Path noExp = write("{\"tokens\":{\"access_token\":\"" + HostLogins.jwt("{\"sub\":\"x%d\"}", 1)
                + "\",\"account_id\":\"a\"}}");
        assertThatThrownBy(() -> CodexHostLogin.read(noExp, NOW)).hasMessageContaining("has no exp claim");

        Path noAccount = write("{\"tokens\":{\"access_token\":\"" + HostLogins.jwt("{\"exp\":%d}", EXP.getEpochSecond())
                + "\"}}");
        assertThatThrownBy(() -> CodexHostLogin.read(noAccount, NOW)).hasMessageContaining("tokens.account_id is missing");

        Path array = write("[]");
        assertThatThrownBy(() -> CodexHostLogin.read(array, NOW)).hasMessageContaining("not a JSON object");
    }

    @Test
    void refusesAnExpiredLogin() throws IOException {
        Instant past = NOW.minusSeconds(1);
        Path file = write(HostLogins.chatgpt(past));

        assertThatThrownBy(() -> CodexHostLogin.read(file, NOW)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("expired at " + past).hasMessageContaining(file.toString())
                .message().doesNotContain("REAL");
    }

    @Test
    void takesTheAccountIdFromTheIdTokenWhenTheFileHasNone() throws IOException {
        Path file = write("{\"tokens\":{\"access_token\":\"" + HostLogins.jwt("{\"exp\":%d}", EXP.getEpochSecond())
                + "\",\"id_token\":\"" + HostLogins.idToken(EXP) + "\"}}");

        assertThat(CodexHostLogin.read(file, NOW).accountId()).isEqualTo("acct-42");
    }

    @Test
    void theDummyHasTheSameShapeAccountAndExpiryAndNoRealToken() throws IOException {
        CodexHostLogin login = CodexHostLogin.read(write(HostLogins.chatgpt(EXP)), NOW);

        byte[] dummy = login.dummyAuthJson(NOW);
        String text = new String(dummy, StandardCharsets.UTF_8);
        JsonNode root = new ObjectMapper().readTree(dummy);

        assertThat(text).doesNotContain("REAL").doesNotContain(HostLogins.accessToken(EXP))
                .doesNotContain(HostLogins.REFRESH).doesNotContain("dev@example.com");
        assertThat(root.path("auth_mode").asText()).isEqualTo("chatgpt");
        assertThat(root.path("OPENAI_API_KEY").isNull()).isTrue();
        assertThat(root.has("personal_access_token")).isFalse();
        assertThat(root.path("last_refresh").asText()).isEqualTo("2026-11-26T21:00:00Z");
        JsonNode tokens = root.path("tokens");
        assertThat(tokens.path("account_id").asText()).isEqualTo("acct-42");
        assertThat(tokens.path("refresh_token").asText()).isEqualTo(CodexHostLogin.PLACEHOLDER);
        for (String name : new String[] {"access_token", "id_token"}) {
            JsonNode claims = CodexHostLogin.claims(tokens.path(name).asText()).orElseThrow();
            assertThat(claims.path("exp").asLong()).as(name).isEqualTo(EXP.getEpochSecond());
            assertThat(claims.path(CodexHostLogin.AUTH_CLAIMS).path("chatgpt_account_id").asText()).isEqualTo("acct-42");
            assertThat(claims.path(CodexHostLogin.AUTH_CLAIMS).path("chatgpt_plan_type").asText()).isEqualTo("pro");
        }
        // and the dummy passes the same checks the host file did
        Path copy = Files.write(dir.resolve("dummy.json"), dummy);
        assertThat(CodexHostLogin.read(copy, NOW).accessTokenExpiry()).isEqualTo(EXP);
    }
}
