package dev.botbottle.provider.codex;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Writes host auth.json files like `codex login` does, with made-up (unsigned) tokens. */
final class HostLogins {
    static final String REFRESH = "rt_REAL-REFRESH-SECRET";

    private HostLogins() {
    }

    static String jwt(String payloadFormat, long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadFormat.formatted(exp).getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    static String accessToken(Instant exp) {
        return jwt("{\"exp\":%d,\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-42\","
                + "\"chatgpt_plan_type\":\"pro\",\"chatgpt_user_id\":\"user-7\"},\"https://api.openai.com/profile\":"
                + "{\"email\":\"dev@example.com\"},\"secret_marker\":\"REAL-ACCESS-SECRET\"}", exp.getEpochSecond());
    }

    static String idToken(Instant exp) {
        return jwt("{\"exp\":%d,\"email\":\"dev@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":"
                + "\"acct-42\",\"chatgpt_plan_type\":\"pro\",\"chatgpt_user_id\":\"user-7\"},\"marker\":\"REAL-ID-SECRET\"}",
                exp.getEpochSecond());
    }

    /** @return a ChatGPT-form auth.json whose tokens expire at {@code exp} */
    static String chatgpt(Instant exp) {
        return """
                {
                  "auth_mode": "chatgpt",
                  "OPENAI_API_KEY": null,
                  "tokens": {
                    "id_token": "%s",
                    "access_token": "%s",
                    "refresh_token": "%s",
                    "account_id": "acct-42"
                  },
                  "last_refresh": "2026-11-20T10:00:00.000000Z",
                  "personal_access_token": "pat-REAL-PAT-SECRET"
                }
                """.formatted(idToken(exp), accessToken(exp), REFRESH);
    }
}
