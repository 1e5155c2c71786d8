package dev.botbottle.backend.kubernetes;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The module's public types carry JDK and bot-bottle types only: fabric8 stays in the internal package. */
class PublicSignaturesTests {

    private static final List<Class<?>> PUBLIC = List.of(KubernetesBackendProvider.class, KubernetesGateways.class,
            GatewaySidecar.class, ClusterStateRecords.class);

    @Test
    void noPublicSignatureNamesAFabric8Type() {
        List<String> offenders = new ArrayList<>();
        for (Class<?> type : PUBLIC) {
            Stream.concat(Stream.of(type.getDeclaredMethods()), Stream.of(type.getDeclaredConstructors()))
                    .filter(m -> Modifier.isPublic(m.getModifiers()))
                    .forEach(m -> types(m).filter(t -> !t.startsWith("java.") && !t.startsWith("dev.botbottle.spi.")
                                    && !t.startsWith("dev.botbottle.backend.kubernetes.") && t.contains("."))
                            .forEach(t -> offenders.add(type.getSimpleName() + "." + m.getName() + " uses " + t)));
            Stream.concat(Stream.of(type.getDeclaredMethods()), Stream.of(type.getDeclaredConstructors()))
                    .filter(m -> Modifier.isPublic(m.getModifiers()))
                    .forEach(m -> types(m).filter(t -> t.startsWith("dev.botbottle.backend.kubernetes.internal."))
                            .forEach(t -> offenders.add(type.getSimpleName() + "." + m.getName() + " uses " + t)));
        }
        assertThat(offenders).isEmpty();
    }

    private static Stream<String> types(Executable m) {
        Stream<String> params = Stream.of(m.getGenericParameterTypes()).map(java.lang.reflect.Type::getTypeName);
        Stream<String> result = m instanceof Method method ? Stream.of(method.getGenericReturnType().getTypeName())
                : Stream.empty();
        return Stream.concat(params, result).flatMap(t -> Stream.of(t.split("[<>,\\s\\[\\]]+")))
                .filter(t -> !t.isBlank() && !t.equals("?") && !t.equals("extends") && !t.equals("super"));
    }
}
