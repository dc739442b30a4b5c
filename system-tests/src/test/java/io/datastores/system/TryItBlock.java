package io.datastores.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The README's Try it block, read as a reader reads it: commands and the comments beside them. */
final class TryItBlock {

    private TryItBlock() {
    }

    /** One command (continuation lines joined as bash joins them) and its comments. */
    record Command(String text, String comment) {

        private static final Pattern STATUS = Pattern.compile("\\b([45]\\d\\d)\\b");

        /** The non-2xx statuses the README says to expect from this command. */
        Set<Integer> expectedStatuses() {
            Set<Integer> statuses = new HashSet<>();
            Matcher m = STATUS.matcher(comment);
            while (m.find()) {
                statuses.add(Integer.parseInt(m.group(1)));
            }
            return statuses;
        }
    }

    static List<Command> read(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        int heading = lines.indexOf("## Try it");
        if (heading < 0) {
            throw new IllegalStateException("no \"## Try it\" section in " + readme);
        }
        int open = heading + 1;
        while (!lines.get(open).startsWith("```bash")) {
            open++;
        }
        List<Command> commands = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        StringBuilder comment = new StringBuilder();
        for (int i = open + 1; !lines.get(i).startsWith("```"); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            if (line.strip().startsWith("#")) {
                comment.append(' ').append(line.strip());
                continue;
            }
            if (text.length() > 0 && !text.toString().stripTrailing().endsWith("\\")) {
                commands.add(new Command(text.toString().strip(), comment.toString().strip()));
                text.setLength(0);
                comment.setLength(0);
            }
            int hash = commentStart(line);
            text.append(text.length() > 0 ? "\n" : "").append(hash < 0 ? line : line.substring(0, hash)
                    .stripTrailing());
            if (hash >= 0) {
                comment.append(' ').append(line.substring(hash));
            }
        }
        if (text.length() > 0) {
            commands.add(new Command(text.toString().strip(), comment.toString().strip()));
        }
        return commands;
    }

    /** Where a line's comment starts: a {@code #} after a blank, outside quotes; -1 when none. */
    static int commentStart(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && i > 0 && Character.isWhitespace(line.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }
}
