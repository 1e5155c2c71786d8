package dev.botbottle.core.escape;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox-escape catalogue: the attacker's script ({@code attempts.sh}, with its Perl network probes
 * {@code net.pl}) shipped in this jar, and the attempts it declares. The script is the one place the catalogue lives;
 * this class reads its {@code #@} declarations, it never duplicates them.
 *
 * @since 0.3
 */
public final class EscapeCatalogue {

    /** The families in the order they run and are reported; controls first. */
    public static final List<String> FAMILIES = List.of("control", "network", "proxy", "credentials", "host", "git",
            "supervise", "container");

    private static final Pattern DECLARATION = Pattern.compile(
            "^#@ *([a-z0-9.-]+) *\\| *([a-z]+) *\\| *([a-z]+) *\\| *(.+?) *\\| *(.+?) *$");

    private final byte[] script;
    private final byte[] probes;
    private final List<Attempt> attempts;

    private EscapeCatalogue(byte[] script, byte[] probes, List<Attempt> attempts) {
        this.script = script;
        this.probes = probes;
        this.attempts = attempts;
    }

    /** @return the catalogue shipped in this jar */
    public static EscapeCatalogue load() {
        byte[] script = resource("attempts.sh");
        return new EscapeCatalogue(script, resource("net.pl"), parse(new String(script, StandardCharsets.UTF_8)));
    }

    /**
     * @param script the script's text
     * @return its attempts, controls first, then by family in {@link #FAMILIES} order, in script order within one
     * @throws IllegalStateException when a declaration names an unknown family or service, or an id twice
     */
    static List<Attempt> parse(String script) {
        List<Attempt> declared = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String line : script.split("\n")) {
            if (!line.startsWith("#@")) {
                continue;
            }
            Matcher m = DECLARATION.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("malformed attempt declaration in attempts.sh: " + line);
            }
            Attempt a = new Attempt(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
            if (!FAMILIES.contains(a.family())) {
                throw new IllegalStateException("attempt " + a.id() + " has an unknown family " + a.family());
            }
            if (!List.of("egress", "gitgate", "supervise", "none").contains(a.service())) {
                throw new IllegalStateException("attempt " + a.id() + " names an unknown service " + a.service());
            }
            if (!ids.add(a.id())) {
                throw new IllegalStateException("attempt " + a.id() + " is declared twice");
            }
            declared.add(a);
        }
        List<Attempt> ordered = new ArrayList<>();
        for (String family : FAMILIES) {
            declared.stream().filter(a -> a.family().equals(family)).forEach(ordered::add);
        }
        return List.copyOf(ordered);
    }

    /** @return every attempt, controls first, then family by family */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** @param id an attempt's id @return that attempt */
    public Optional<Attempt> attempt(String id) {
        return attempts.stream().filter(a -> a.id().equals(id)).findFirst();
    }

    /** @return the attacker's script, run in the bottle as {@code bash attempts.sh ID} */
    public byte[] script() {
        return script.clone();
    }

    /** @return the Perl network probes the script calls */
    public byte[] probes() {
        return probes.clone();
    }

    private static byte[] resource(String name) {
        try (InputStream in = EscapeCatalogue.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the escape catalogue's " + name + " is missing from bottle-core's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the escape catalogue's " + name, e);
        }
    }
}
