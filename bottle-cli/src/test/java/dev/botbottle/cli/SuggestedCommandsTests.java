package dev.botbottle.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code bottle ...} command a message of any module suggests (in backticks or single quotes) parses as a real
 * command of this CLI: a hint that does not work is worse than none.
 */
class SuggestedCommandsTests {

    /** A suggestion: {@code `bottle rm " + slug + "`} in the source. */
    private static final Pattern SUGGESTION = Pattern.compile("[`']bottle ((?:[^`'\"\\n]|\"\\s*\\+[^+\\n]+\\+\\s*\")*)[`']");

    @Test
    void everySuggestedCommandParses() {
        List<String> suggestions = suggestions();
        assertThat(suggestions).as("the scan finds the CLI's own hints").anyMatch(s -> s.startsWith("rm "));

        List<String> broken = new ArrayList<>();
        for (String s : suggestions) {
            String[] args = s.replaceAll("\"\\s*\\+[^+]+\\+\\s*\"", "x").replaceAll("<[^>]+>|\\b[A-Z]{2,}\\b", "x")
                    .trim().split("\\s+");
            CommandLine cli = new CommandLine(new BottleCommand(new Console(System.out, System.err, java.util.Map.of(),
                    false)));
            boolean mention = args.length == 1 && cli.getSubcommands().containsKey(args[0]);
            try {
                if (!mention) {
                    cli.parseArgs(args);
                }
            } catch (CommandLine.ParameterException e) {
                broken.add("bottle " + s + " -> " + e.getMessage());
            }
        }
        assertThat(broken).isEmpty();
    }

    private static List<String> suggestions() {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .toList()) {
                Matcher m = SUGGESTION.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
