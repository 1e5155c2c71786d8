package dev.botbottle.core.escape;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EscapeCatalogueTests {

    @Test
    void theShippedCatalogueCoversEveryFamilyWithControlsFirst() {
        EscapeCatalogue c = EscapeCatalogue.load();
        List<Attempt> attempts = c.attempts();
        assertThat(attempts).extracting(Attempt::family).containsAll(EscapeCatalogue.FAMILIES);
        int lastControl = 0;
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).control()) {
                lastControl = i;
            }
        }
        assertThat(attempts.subList(0, lastControl + 1)).allMatch(Attempt::control);
        for (String family : EscapeCatalogue.FAMILIES) {
            assertThat(attempts).filteredOn(a -> a.family().equals(family)).as(family).hasSizeGreaterThanOrEqualTo(3);
        }
        assertThat(c.script()).isNotEmpty();
        assertThat(c.probes()).isNotEmpty();
    }

    @Test
    void everyDeclaredAttemptHasItsFunctionInTheScript() {
        String script = new String(EscapeCatalogue.load().script(), java.nio.charset.StandardCharsets.UTF_8);
        for (Attempt a : EscapeCatalogue.load().attempts()) {
            String fn = a.id().replace('.', '_').replace('-', '_');
            assertThat(script).as(a.id()).containsPattern("(?m)^" + fn + "\\(\\) \\{");
        }
    }

    @Test
    void declarationsAreOrderedByFamilyAndKeepScriptOrderWithinOne() {
        List<Attempt> parsed = EscapeCatalogue.parse("""
                #@ net.a | network | none | first | fails
                #@ control.x | control | egress | works | passes
                #@ net.b | network | egress | second | fails
                """);
        assertThat(parsed).extracting(Attempt::id).containsExactly("control.x", "net.a", "net.b");
    }

    @Test
    void aMalformedOrDuplicateDeclarationIsRefused() {
        assertThatThrownBy(() -> EscapeCatalogue.parse("#@ x | network | none | no expectation\n"))
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> EscapeCatalogue.parse("#@ x | weather | none | t | e\n"))
                .hasMessageContaining("unknown family");
        assertThatThrownBy(() -> EscapeCatalogue.parse("#@ x | network | ftp | t | e\n"))
                .hasMessageContaining("unknown service");
        assertThatThrownBy(() -> EscapeCatalogue.parse("#@ x | network | none | t | e\n#@ x | host | none | t | e\n"))
                .hasMessageContaining("declared twice");
    }
}
