package dev.botbottle.provider.claude;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;

import java.util.List;
import java.util.Map;

/**
 * Builds the step that deep-merges a JSON object into a JSON file inside the bottle, creating the file when it is
 * missing. Claude Code rewrites {@code ~/.claude.json} itself (user id, migrations, MCP servers), so it must be
 * merged, never overwritten. The merge runs in the bottle with {@code jq}, which the agent image installs; the
 * file is replaced atomically (temp file + rename) with mode 0600.
 */
final class JsonMergeStep {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code $1} the file, {@code $2} the JSON object to merge in (its values win). */
    static final String SCRIPT = """
            set -eu
            f="$1"; patch="$2"; tmp="$f.bot-bottle.tmp"
            mkdir -p "$(dirname "$f")"
            if [ ! -s "$f" ]; then
              printf '%s\\n' "$patch" > "$tmp"
            else
              command -v jq >/dev/null 2>&1 || { echo "jq is needed to merge $f and is not installed" >&2; exit 1; }
              printf '%s' "$patch" | jq -s '.[0] * .[1]' "$f" - > "$tmp" || { rm -f "$tmp"; echo "$f is not valid JSON; fix or remove it" >&2; exit 1; }
            fi
            chmod 600 "$tmp"
            mv "$tmp" "$f"
            """;

    private JsonMergeStep() {
    }

    /**
     * @param path absolute path of the file in the bottle
     * @param patch the object to merge in; nested objects merge key by key
     * @param description what the merge achieves, for progress and errors
     * @return a command run as the agent user
     */
    static ProvisionStep.RunCommand of(String path, Map<String, ?> patch, String description) {
        String json;
        try {
            json = JSON.writeValueAsString(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot render JSON for " + path, e);
        }
        return new ProvisionStep.RunCommand(List.of("sh", "-c", SCRIPT, "bot-bottle-json-merge", path, json),
                FileOwner.AGENT, false, description);
    }
}
