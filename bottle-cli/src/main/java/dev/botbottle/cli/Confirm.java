package dev.botbottle.cli;

/** Asks a y/N question on the terminal. */
final class Confirm {
    private Confirm() {
    }

    static boolean ask(Console console, String question) {
        java.io.Console terminal = System.console();
        if (terminal == null) {
            return false;
        }
        String answer = terminal.readLine("%s [y/N] ", question);
        return answer != null && (answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes"));
    }
}
