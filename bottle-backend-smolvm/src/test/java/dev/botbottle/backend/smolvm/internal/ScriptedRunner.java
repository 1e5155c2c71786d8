package dev.botbottle.backend.smolvm.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A recording double of {@link ProcessRunner}: answers by the first scripted argv fragment found, records every call. */
final class ScriptedRunner implements ProcessRunner {

    record Answer(int exit, String out, String err) {
    }

    final List<Invocation> calls = new ArrayList<>();
    private final Map<String, Answer> answers = new LinkedHashMap<>();

    ScriptedRunner when(String fragment, int exit, String out, String err) {
        answers.put(fragment, new Answer(exit, out, err));
        return this;
    }

    List<String> commandLines() {
        return calls.stream().map(c -> String.join(" ", c.argv())).toList();
    }

    @Override
    public Outcome execute(Invocation invocation, OutputStream stdout, OutputStream stderr) {
        calls.add(invocation);
        String line = String.join(" ", invocation.argv());
        Answer a = answers.entrySet().stream().filter(e -> line.contains(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(new Answer(0, "", ""));
        try {
            stdout.write(a.out().getBytes(StandardCharsets.UTF_8));
            stderr.write(a.err().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Outcome(a.exit(), false);
    }
}
