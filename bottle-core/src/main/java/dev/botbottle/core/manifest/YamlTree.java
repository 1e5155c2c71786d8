package dev.botbottle.core.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document as a small tree whose nodes know their line, built from Jackson's streaming parser.
 *
 * <p>Jackson's {@code JsonNode} drops locations; errors must name lines, so the tree is built here. Aliases are
 * refused (they would hide where a value comes from) and duplicate keys are reported.
 */
final class YamlTree {

    /** An empty plain value ({@code key:}) is null, as in YAML; a quoted {@code ''} stays an empty string. */
    private static final YAMLFactory FACTORY = new YAMLFactory().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL);

    private YamlTree() {
    }

    /** A node of the tree; {@link #line()} is 1-based in the file, or 0 when unknown. */
    sealed interface Node permits MapNode, ListNode, Scalar {
        int line();

        /** @return what the node is, for messages: {@code a mapping}, {@code a list}, {@code a string}, … */
        String describe();
    }

    /** One key of a mapping, with the line of the key. */
    record Entry(String key, int keyLine, Node value) {
    }

    /** A mapping, in document order. */
    record MapNode(Map<String, Entry> entries, int line) implements Node {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A sequence. */
    record ListNode(List<Node> items, int line) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar with the type YAML resolved for it. */
    record Scalar(ScalarType type, String text, int line) implements Node {
        @Override
        public String describe() {
            return switch (type) {
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "true/false";
                case NULL -> "nothing (null)";
            };
        }
    }

    /** The type YAML resolved a scalar to. */
    enum ScalarType { STRING, NUMBER, BOOLEAN, NULL }

    /** Thrown for content the tree cannot hold; the message names no value. */
    static final class YamlError extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        YamlError(String message, int line) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /**
     * Parses one YAML document.
     *
     * @param text the YAML
     * @param lineOffset added to the parser's 1-based lines to give file lines
     * @param duplicates receives one message per duplicate key, as {@code keyPath -> line}
     * @return the root, or {@code null} for an empty document
     * @throws YamlError for broken YAML, several documents, or an alias
     */
    static Node parse(String text, int lineOffset, List<Duplicate> duplicates) throws YamlError {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            Node root = read(p, t, lineOffset, "", duplicates);
            JsonToken next = p.nextToken();
            if (next != null) {
                throw new YamlError("front matter holds more than one YAML document", line(p, lineOffset));
            }
            return root;
        } catch (JsonProcessingException e) {
            MarkedYAMLException marked = marked(e);
            if (marked != null && marked.getProblemMark() != null) {
                throw new YamlError("invalid YAML: " + clean(marked.getProblem()),
                        marked.getProblemMark().getLine() + 1 + lineOffset);
            }
            JsonLocation loc = e.getLocation();
            int line = loc == null || loc.getLineNr() <= 0 ? 0 : loc.getLineNr() + lineOffset;
            throw new YamlError("invalid YAML: " + cleanMessage(e), line);
        } catch (IOException | RuntimeException e) {
            // SnakeYAML and Jackson report some syntax errors as unchecked exceptions; bad content is never a crash
            throw new YamlError("invalid YAML: " + cleanMessage(e), 0);
        } catch (StackOverflowError e) {
            throw new YamlError("invalid YAML: nested too deeply", 0);
        }
    }

    /** A key that appears twice in one mapping. */
    record Duplicate(String keyPath, int line) {
    }

    private static Node read(JsonParser p, JsonToken t, int off, String path, List<Duplicate> duplicates)
            throws IOException, YamlError {
        int line = line(p, off);
        if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
            throw new YamlError("YAML aliases (*name) are not supported; write the value out", line);
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Entry> entries = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p, off);
                    String childPath = KeyPaths.child(path, key);
                    Node value = read(p, p.nextToken(), off, childPath, duplicates);
                    if (entries.containsKey(key)) {
                        duplicates.add(new Duplicate(childPath, keyLine));
                    }
                    entries.put(key, new Entry(key, keyLine, value));
                }
                if (k != JsonToken.END_OBJECT) {
                    throw new YamlError("invalid YAML: unexpected end of mapping", line(p, off));
                }
                return new MapNode(Collections.unmodifiableMap(entries), line);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                JsonToken v;
                int i = 0;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (v == null) {
                        throw new YamlError("invalid YAML: unexpected end of list", line(p, off));
                    }
                    items.add(read(p, v, off, path + "[" + i++ + "]", duplicates));
                }
                return new ListNode(Collections.unmodifiableList(items), line);
            }
            case VALUE_STRING:
                return new Scalar(ScalarType.STRING, p.getText(), line);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Scalar(ScalarType.NUMBER, p.getText(), line);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Scalar(ScalarType.BOOLEAN, t == JsonToken.VALUE_TRUE ? "true" : "false", line);
            case VALUE_NULL:
                return new Scalar(ScalarType.NULL, "", line);
            case VALUE_EMBEDDED_OBJECT:
                throw new YamlError("binary and other tagged values are not supported", line);
            default:
                throw new YamlError("invalid YAML: unexpected " + t, line);
        }
    }

    private static MarkedYAMLException marked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m) {
                return m;
            }
        }
        return null;
    }

    private static int line(JsonParser p, int off) {
        JsonLocation loc = p.currentTokenLocation();
        return loc == null || loc.getLineNr() <= 0 ? 0 : loc.getLineNr() + off;
    }

    /**
     * Keeps the parser's first line (what is wrong) and drops the excerpt of the document, which could hold a
     * secret.
     */
    private static String cleanMessage(Throwable e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return clean(m.strip().lines().findFirst().orElse(""));
    }

    private static String clean(String message) {
        if (message == null || message.isBlank()) {
            return "syntax error";
        }
        if (message.contains("Expected a field name")) {
            return "keys must be plain values (complex keys such as '? [a, b]' are not supported)";
        }
        if (message.contains("nesting depth") || message.contains("Nesting Depth")) {
            return "nested too deeply";
        }
        String first = message.strip().lines().findFirst().orElse("").strip();
        // SnakeYAML messages may quote the offending text ("found character '\t' that cannot start ...")
        first = first.replaceAll("<org\\.yaml[^>]*>", "…").replaceAll("'[^']{9,}'", "'…'").replaceAll("\"[^\"]{9,}\"", "\"…\"");
        if (first.length() > 160) {
            first = first.substring(0, 160) + "…";
        }
        return first;
    }
}
