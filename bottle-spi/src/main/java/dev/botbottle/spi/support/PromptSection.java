package dev.botbottle.spi.support;

import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A provisioning step that puts a marked section into an agent's instruction file (CLAUDE.md, AGENTS.md), replacing
 * the section an earlier run wrote (as on resume) and keeping everything else in the file — the agent's own prompt
 * stays first.
 *
 * <p>The section is delimited by {@code <!-- bot-bottle:NAME -->} and {@code <!-- /bot-bottle:NAME -->} lines. The
 * file and its directory are created when missing, owned by the agent.
 *
 * @since 0.1
 */
public final class PromptSection {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    /** {@code $1} the file, {@code $2} the section name, {@code $3} the text. */
    static final String SCRIPT = """
            f="$1"; b="<!-- bot-bottle:$2 -->"; e="<!-- /bot-bottle:$2 -->"
            case "$f" in "~/"*) f="$HOME/${f#"~/"}";; esac
            mkdir -p "$(dirname "$f")" && touch "$f" || exit 1
            sed -i "\\|^$b\\$|,\\|^$e\\$|d" "$f" && sed -i -e :a -e '/^\\n*$/{$d;N;ba' -e '}' "$f" || exit 1
            if [ -s "$f" ]; then [ -z "$(tail -c 1 "$f")" ] || printf '\\n' >> "$f"; printf '\\n' >> "$f"; fi
            printf '%s\\n%s\\n%s\\n' "$b" "$3" "$e" >> "$f"
            """;

    private PromptSection() {
    }

    /**
     * @param file the instruction file in the bottle, absolute or {@code ~/}-relative, e.g. {@code ~/.claude/CLAUDE.md}
     * @param name the section's name, e.g. {@code supervise}
     * @param text the section's Markdown
     * @param description what the step does, for progress and errors
     * @return the step, run as the agent user
     */
    public static ProvisionStep upsert(String file, String name, String text, String description) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(description, "description");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("section name '" + name + "' must match " + NAME.pattern());
        }
        return new ProvisionStep.RunCommand(List.of("sh", "-c", SCRIPT, "bot-bottle-prompt-section", file, name,
                text.strip()), FileOwner.AGENT, false, description);
    }
}
