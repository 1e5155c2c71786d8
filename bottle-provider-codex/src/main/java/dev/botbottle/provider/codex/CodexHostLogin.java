package dev.botbottle.provider.codex;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's Codex ChatGPT login ({@code $CODEX_HOME/auth.json}), reduced to what a bottle may know about it.
 *
 * <p>Holds the real access token (as a {@link Secret}) for the egress gateway and the non-secret facts the bottle's
 * dummy {@code auth.json} copies: the account id, the plan and user ids, and the tokens' expiry. Every failure is a
 * {@link CredentialException} naming the file and what to do — never a value from it (parser messages can quote
 * the input, so only their line and column are reported).
 *
 * @param file the file read
 * @param accessToken the real ChatGPT access token
 * @param accountId the ChatGPT account id (sent by Codex as {@code ChatGPT-Account-Id}; not a secret)
 * @param accessTokenExpiry the access token's JWT {@code exp}
 * @param idTokenExpiry the id token's JWT {@code exp}, when it has one
 * @param authClaims the non-secret claims of {@code https://api.openai.com/auth} the dummy tokens carry
 */
record CodexHostLogin(Path file, Secret accessToken, String accountId, Instant accessTokenExpiry,
                      Optional<Instant> idTokenExpiry, Map<String, String> authClaims) {

    /** The claim namespace Codex reads the ChatGPT account facts from. */
    static final String AUTH_CLAIMS = "https://api.openai.com/auth";
    /** The claims copied into dummy tokens; none of them grants anything. */
    static final List<String> COPIED_AUTH_CLAIMS = List.of("chatgpt_account_id", "chatgpt_plan_type", "chatgpt_user_id");
    /** What every token in the bottle's dummy auth.json is made of. */
    static final String PLACEHOLDER = "bot-bottle-placeholder";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
    private static final Base64.Encoder B64URL_OUT = Base64.getUrlEncoder().withoutPadding();

    CodexHostLogin {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(accessTokenExpiry, "accessTokenExpiry");
        Objects.requireNonNull(idTokenExpiry, "idTokenExpiry");
        authClaims = Map.copyOf(authClaims);
    }

    /**
     * Reads and checks the host login.
     *
     * @param file the host's {@code auth.json}
     * @param now the current time, for the expiry check
     * @return the login
     * @throws CredentialException when the file is missing, unreadable, an API-key login, malformed or expired
     */
    static CodexHostLogin read(Path file, Instant now) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CredentialException("no Codex login at " + file + ": forward_host_credentials forwards the"
                    + " host's ChatGPT login of the Codex CLI. Run `codex login` on the host (it writes that file;"
                    + " CODEX_HOME moves it), then launch again");
        } catch (IOException e) {
            throw new CredentialException("cannot read the Codex login " + file + " (" + e.getClass().getSimpleName()
                    + "); check its permissions");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw malformed(file, "it is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column "
                    + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw malformed(file, "it cannot be parsed");
        }
        if (root == null || !root.isObject()) {
            throw malformed(file, "it is not a JSON object");
        }
        String mode = text(root, "auth_mode").orElse("");
        JsonNode tokens = root.path("tokens");
        boolean hasApiKey = text(root, "OPENAI_API_KEY").isPresent();
        if (mode.equalsIgnoreCase("apikey") || mode.equalsIgnoreCase("api_key")
                || (hasApiKey && !tokens.isObject())) {
            throw new CredentialException("the Codex login at " + file + " is an API-key login; forward_host_credentials"
                    + " forwards a ChatGPT login only. Run `codex login` on the host and sign in with ChatGPT, or"
                    + " drop forward_host_credentials and declare an egress route for api.openai.com whose token_ref"
                    + " names a host variable holding the key");
        }
        if (!tokens.isObject()) {
            throw malformed(file, "it has no \"tokens\" object (expected a ChatGPT login)");
        }
        String access = text(tokens, "access_token")
                .orElseThrow(() -> malformed(file, "tokens.access_token is missing"));
        ObjectNode accessClaims = claims(access).orElseThrow(
                () -> malformed(file, "tokens.access_token is not a JWT"));
        Instant accessExpiry = expiry(accessClaims).orElseThrow(
                () -> malformed(file, "tokens.access_token has no exp claim"));
        Optional<ObjectNode> idClaims = text(tokens, "id_token").flatMap(CodexHostLogin::claims);
        if (text(tokens, "id_token").isPresent() && idClaims.isEmpty()) {
            throw malformed(file, "tokens.id_token is not a JWT");
        }
        Map<String, String> auth = new java.util.LinkedHashMap<>();
        for (ObjectNode source : idClaims.map(c -> List.of(accessClaims, c)).orElse(List.of(accessClaims))) {
            JsonNode ns = source.path(AUTH_CLAIMS);
            for (String key : COPIED_AUTH_CLAIMS) {
                text(ns, key).ifPresent(v -> auth.putIfAbsent(key, v));
            }
        }
        String accountId = text(tokens, "account_id").or(() -> Optional.ofNullable(auth.get("chatgpt_account_id")))
                .orElseThrow(() -> malformed(file, "tokens.account_id is missing"));
        if (!accessExpiry.isAfter(now)) {
            throw new CredentialException("the Codex login at " + file + " expired at " + accessExpiry
                    + "; run `codex login` on the host (or any codex command, which refreshes it), then launch again");
        }
        return new CodexHostLogin(file, Secret.of(access), accountId, accessExpiry,
                idClaims.flatMap(CodexHostLogin::expiry), auth);
    }

    /**
     * The bottle's {@code auth.json}: the ChatGPT form with the same account id and expiry, every token a
     * placeholder. The tokens are unsigned JWTs so Codex can read their claims; {@code last_refresh} is
     * {@code now} so Codex does not try to refresh (the gateway holds no refresh token).
     *
     * @param now the time written as {@code last_refresh}
     * @return the file's bytes
     */
    byte[] dummyAuthJson(Instant now) {
        ObjectNode tokens = JsonNodeFactory.instance.objectNode();
        tokens.put("id_token", placeholderJwt(idTokenExpiry.orElse(accessTokenExpiry)));
        tokens.put("access_token", placeholderJwt(accessTokenExpiry));
        tokens.put("refresh_token", PLACEHOLDER);
        tokens.put("account_id", accountId);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("auth_mode", "chatgpt");
        root.putNull("OPENAI_API_KEY");
        root.set("tokens", tokens);
        root.put("last_refresh", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the dummy auth.json", e);
        }
    }

    private String placeholderJwt(Instant exp) {
        ObjectNode header = JsonNodeFactory.instance.objectNode().put("alg", "none").put("typ", "JWT");
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("exp", exp.getEpochSecond());
        ObjectNode ns = payload.putObject(AUTH_CLAIMS);
        authClaims.forEach(ns::put);
        ns.put("chatgpt_account_id", accountId);
        return b64(header) + "." + b64(payload) + "." + B64URL_OUT.encodeToString(PLACEHOLDER.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(ObjectNode node) {
        try {
            return B64URL_OUT.encodeToString(JSON.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<ObjectNode> claims(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(B64URL.decode(parts[1]));
            return node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> expiry(JsonNode claims) {
        JsonNode exp = claims.path("exp");
        return exp.isNumber() ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static CredentialException malformed(Path file, String what) {
        return new CredentialException("the Codex login at " + file + " is malformed: " + what
                + ". Run `codex login` on the host to rewrite it, then launch again");
    }

    /** @return a form without the token */
    @Override
    public String toString() {
        return "CodexHostLogin[" + file + ", account " + accountId + ", expires " + accessTokenExpiry + "]";
    }
}
