package io.ocellus.pipeline.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Expands the IMAGE|DIR arguments. Directories are walked recursively, in name order, taking the
 * files whose extension names a picture format ({@value #EXTENSIONS}); files named on the command
 * line are always tried, whatever their name.
 */
public final class ImageFiles {
    static final String EXTENSIONS = "jpg, jpeg, png, bmp, gif, webp";
    private static final Pattern PICTURE =
            Pattern.compile("(?i).*\\.(" + EXTENSIONS.replace(", ", "|") + ")$");

    private ImageFiles() {}

    public static List<Path> expand(List<Path> arguments) {
        List<Path> files = new ArrayList<>();
        for (Path argument : arguments) {
            if (Files.isDirectory(argument)) {
                try (Stream<Path> walk = Files.walk(argument)) {
                    walk.filter(Files::isRegularFile)
                            .filter(
                                    file ->
                                            PICTURE.matcher(file.getFileName().toString())
                                                    .matches())
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                files.add(argument); // a missing file is reported as an error line
            }
        }
        return files;
    }
}
