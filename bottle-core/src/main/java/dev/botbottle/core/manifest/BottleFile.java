package dev.botbottle.core.manifest;

import java.nio.file.Path;
import java.util.List;

/**
 * One bottle file as parsed, before {@code extends} is resolved.
 *
 * @param name the bottle name
 * @param file its file
 * @param extendsNames the parents it names, in order (only the well-formed ones)
 * @param extendsLine the line of the {@code extends} key, 0 if none
 * @param layer the blocks it declares
 * @param valid whether the file itself has no error
 */
record BottleFile(String name, Path file, List<String> extendsNames, int extendsLine, Layer layer, boolean valid) {
    BottleFile {
        extendsNames = List.copyOf(extendsNames);
    }
}
