package dev.botbottle.core.manifest;

import java.util.List;

/**
 * Splits a Markdown file into its YAML front matter and its body.
 *
 * @param yaml the text between the opening {@code ---} and the closing {@code ---} (or {@code ...})
 * @param lineOffset the file line before the first YAML line (1: the opening {@code ---})
 * @param body the Markdown after the closing line
 */
record FrontMatter(String yaml, int lineOffset, String body) {

    /** Thrown when the file has no (closed) front matter. */
    static final class Missing extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        Missing(String message, int line) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    static FrontMatter split(String text) throws Missing {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).stripTrailing().equals("---")) {
            throw new Missing("no front matter: the file must start with a line '---', then the YAML keys,"
                    + " then a line '---'", 1);
        }
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i).stripTrailing();
            if (l.equals("---") || l.equals("...")) {
                String yaml = String.join("\n", lines.subList(1, i));
                String body = String.join("\n", lines.subList(i + 1, lines.size()));
                return new FrontMatter(yaml, 1, body);
            }
        }
        throw new Missing("the front matter is not closed: add a line '---' after the YAML keys", 1);
    }
}
