package dev.botbottle.egress.internal;

import dev.botbottle.dlp.DlpScanner;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.Secret;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a decision reads, swapped as one: the route table, the resolved credentials, and the DLP scanner that
 * knows those credentials' values.
 *
 * @param table the routes
 * @param credentials {@code token_ref} to its real value
 * @param scanner the DLP scanner, built-in rules plus this bottle's credential values
 */
public record Policy(RouteTable table, Map<String, Secret> credentials, DlpScanner scanner) {

    /** Rule-name prefix under which a bottle's own credential values are reported. */
    public static final String CREDENTIAL_RULE_PREFIX = "bottle-credential:";

    public Policy {
        credentials = Map.copyOf(credentials);
    }

    /**
     * Resolves every route's credential and compiles the routes.
     *
     * @param routes the routes
     * @param source where credentials come from
     * @param known credentials resolved earlier (kept, so values never need resolving twice)
     * @return the policy
     * @throws CredentialException naming the first reference that cannot be resolved
     */
    public static Policy build(List<EgressRoute> routes, CredentialSource source, Map<String, Secret> known) {
        return build(routes, source, known, Map.of());
    }

    /**
     * @param routes the routes
     * @param source where credentials come from
     * @param known credentials resolved earlier
     * @param otherSecrets further values the bottle must never send, by rule name (the proxy secret)
     * @return the policy
     */
    public static Policy build(List<EgressRoute> routes, CredentialSource source, Map<String, Secret> known,
                               Map<String, Secret> otherSecrets) {
        RouteTable table = new RouteTable(routes);
        Map<String, Secret> creds = new LinkedHashMap<>();
        for (EgressRoute r : routes) {
            Optional<RouteAuth> auth = r.auth();
            if (auth.isEmpty()) {
                continue;
            }
            String ref = auth.get().tokenRef();
            if (creds.containsKey(ref)) {
                continue;
            }
            Secret s = known.get(ref);
            if (s == null) {
                s = source.resolve(ref).filter(v -> !v.isEmpty()).orElseThrow(() -> new CredentialException(
                        "egress route " + r.host() + " needs the credential '" + ref + "' (token_ref), but it is not"
                                + " set: export " + ref + " on the host, or provide it through the embedding"
                                + " application's credential source"));
            }
            creds.put(ref, s);
        }
        Map<String, Secret> literals = new HashMap<>();
        creds.forEach((ref, s) -> literals.put(CREDENTIAL_RULE_PREFIX + ref, s));
        literals.putAll(otherSecrets);
        return new Policy(table, creds, DlpScanner.builtIn().withLiterals(literals));
    }

    @Override
    public String toString() {
        return "Policy[" + table.routes().size() + " routes, credentials " + credentials.keySet() + "]";
    }
}
