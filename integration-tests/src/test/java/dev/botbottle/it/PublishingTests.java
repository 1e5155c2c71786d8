package dev.botbottle.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What publishing needs of the build, read from the POMs themselves: the BOM lists every published module and
 * nothing it would force on an embedder, every module names its automatic module, the jars carry that name, and the
 * metadata a repository asks for is there.
 */
class PublishingTests {

    /** Modules that are built and tested but not published. */
    static final Set<String> UNPUBLISHED = Set.of("bottle-bom", "examples", "integration-tests", "benchmarks");

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theBomListsEveryPublishedModuleAndNothingElse() throws Exception {
        Document bom = read(ROOT.resolve("bottle-bom/pom.xml"));
        List<String> managed = managedArtifacts(bom);
        assertThat(managed).containsExactlyInAnyOrderElementsOf(publishedModules());
        assertThat(child(bom.getDocumentElement(), "parent"))
                .as("an imported BOM brings its parent's dependencyManagement (Jackson, Netty, ...) along").isEmpty();
    }

    @Test
    void theParentManagesEveryPublishedModule() throws Exception {
        assertThat(managedArtifacts(read(ROOT.resolve("pom.xml")))).containsAll(publishedModules());
    }

    @Test
    void everyModuleNamesItsAutomaticModuleOnce() throws Exception {
        Set<String> names = new HashSet<>();
        for (String module : modules()) {
            if (module.equals("bottle-bom")) {
                continue;
            }
            Optional<String> name = property(read(ROOT.resolve(module).resolve("pom.xml")), "automatic.module.name");
            assertThat(name).as(module + " sets automatic.module.name").isPresent();
            assertThat(name.get()).as(module).matches("dev\\.botbottle(\\.[a-z]+)+");
            assertThat(names.add(name.get())).as(module + ": " + name.get() + " is taken").isTrue();
        }
    }

    @Test
    void builtJarsCarryTheirAutomaticModuleName() throws Exception {
        int checked = 0;
        for (String module : publishedModules()) {
            Optional<Path> jar = mainJar(module);
            if (jar.isEmpty()) {
                continue;
            }
            String expected = property(read(ROOT.resolve(module).resolve("pom.xml")), "automatic.module.name")
                    .orElseThrow();
            try (JarFile file = new JarFile(jar.get().toFile())) {
                assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).as(jar.get()
                        .toString()).isEqualTo(expected);
            }
            checked++;
        }
        if (checked == 0) {
            System.out.println("SKIPPED: no module jar is built yet (run the package phase first)");
        }
        Assumptions.assumeTrue(checked > 0, "no module jar is built");
    }

    @Test
    void parentAndBomCarryLicenseScmAndDevelopers() throws Exception {
        for (Path pom : List.of(ROOT.resolve("pom.xml"), ROOT.resolve("bottle-bom/pom.xml"))) {
            Element project = read(pom).getDocumentElement();
            assertThat(child(project, "licenses").flatMap(l -> child(l, "license")).flatMap(l -> child(l, "name")))
                    .as(pom + " licenses").isPresent();
            assertThat(child(project, "scm").flatMap(s -> child(s, "url"))).as(pom + " scm").isPresent();
            assertThat(child(project, "developers").flatMap(d -> child(d, "developer"))).as(pom + " developers")
                    .isPresent();
            assertThat(child(project, "url")).as(pom + " url").isPresent();
        }
        assertThat(property(read(ROOT.resolve("bottle-bom/pom.xml")), "bot-bottle.url"))
                .isEqualTo(property(read(ROOT.resolve("pom.xml")), "bot-bottle.url"));
    }

    // ------------------------------------------------------------------------------------------------------------

    private static List<String> modules() throws Exception {
        Element modules = child(read(ROOT.resolve("pom.xml")).getDocumentElement(), "modules").orElseThrow();
        List<String> out = new ArrayList<>();
        NodeList list = modules.getElementsByTagName("module");
        for (int i = 0; i < list.getLength(); i++) {
            out.add(list.item(i).getTextContent().strip());
        }
        return out;
    }

    private static List<String> publishedModules() throws Exception {
        return modules().stream().filter(m -> !UNPUBLISHED.contains(m)).toList();
    }

    private static List<String> managedArtifacts(Document pom) {
        Element dm = child(pom.getDocumentElement(), "dependencyManagement").orElseThrow();
        List<String> out = new ArrayList<>();
        NodeList deps = dm.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if ("dev.botbottle".equals(child(d, "groupId").map(Node::getTextContent).orElse(""))) {
                out.add(child(d, "artifactId").orElseThrow().getTextContent());
            }
        }
        return out;
    }

    private static Optional<String> property(Document pom, String name) {
        return child(pom.getDocumentElement(), "properties").flatMap(p -> child(p, name)).map(Node::getTextContent)
                .map(String::strip);
    }

    private static Optional<Path> mainJar(String module) throws IOException {
        Path target = ROOT.resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches(module + "-[0-9][^-]*(-SNAPSHOT)?\\.jar"))
                    .findFirst();
        }
    }

    private static Optional<Element> child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static Document read(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }
}
