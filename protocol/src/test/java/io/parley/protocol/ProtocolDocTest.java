package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.protocol.signaling.CallErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/protocol.md is the contract: its code tables list exactly the codes the services can send. */
class ProtocolDocTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z_]+)` \\|");

    @Test
    void errorCodeTableListsExactlyTheErrorCodes() throws IOException {
        assertEquals(names(ErrorCode.values()), codesInSection("## Error codes"),
                "docs/protocol.md 'Error codes' and ErrorCode differ");
    }

    @Test
    void callErrorTableListsExactlyTheCallErrorCodes() throws IOException {
        assertEquals(names(CallErrorCode.values()), codesInSection("### Call error codes"),
                "docs/protocol.md 'Call error codes' and CallErrorCode differ");
    }

    @Test
    void documentedVersionIsTheCurrentOne() throws IOException {
        assertEquals("# Parley protocol — version " + ProtocolVersion.CURRENT, protocolDoc().get(0));
    }

    private static Set<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The codes in the first column of the table under {@code heading}, up to the next heading. */
    private static Set<String> codesInSection(String heading) throws IOException {
        List<String> lines = protocolDoc();
        int start = lines.indexOf(heading);
        if (start < 0) {
            throw new AssertionError("docs/protocol.md has no heading '" + heading + "'");
        }
        Set<String> codes = new TreeSet<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                codes.add(row.group(1));
            }
        }
        return codes;
    }

    static List<String> protocolDoc() throws IOException {
        String projectDir = System.getProperty("parley.project.dir", "..");
        return Files.readAllLines(Path.of(projectDir, "docs", "protocol.md"));
    }
}
