package dev.botbottle.cli;

/**
 * Configures slf4j-simple for the CLI (the library itself never configures logging): warnings and errors on
 * stderr, everything from bot-bottle with {@code --debug}.
 */
final class Logging {
    private Logging() {
    }

    static void configure(boolean debug) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
        if (debug) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.botbottle", "debug");
        }
    }
}
