package dev.botbottle.core.manifest;

/** Builds key paths such as {@code egress.routes[0].auth} for problems. */
final class KeyPaths {
    private static final int MAX_KEY = 40;

    private KeyPaths() {
    }

    static String child(String parent, String key) {
        String shown = display(key);
        return parent.isEmpty() ? shown : parent + "." + shown;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** A key as shown in messages: long keys are cut, so a value pasted as a key cannot leak whole. */
    static String display(String key) {
        String k = key.replaceAll("\\p{Cntrl}", "?");
        return k.length() > MAX_KEY ? k.substring(0, MAX_KEY) + "…" : k;
    }
}
