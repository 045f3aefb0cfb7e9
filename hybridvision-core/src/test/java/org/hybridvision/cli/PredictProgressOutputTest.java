package org.hybridvision.cli;

import org.hybridvision.inference.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hybridvision predict DIR > log 2>&1}: the progress is plain lines (no carriage-return frames, no escape
 * codes) and no result line shares a line with progress. Run as a child JVM whose standard error really is a file,
 * so that the terminal detection is tested too.
 */
class PredictProgressOutputTest {

    private static final String PROGRESS = "predict: \\d+/12 img \\(\\d+%\\), [\\d.]+ img/s, \\d+:\\d\\d:\\d\\d elapsed"
            + "(, ~\\d+:\\d\\d:\\d\\d left)?";

    @Test
    void progressRedirectedToAFileIsPlainLinesApartFromTheResults(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 12; i++) {
            TestImages.write(TestImages.picture(64, 48, i), images.resolve(String.format("pic%02d.png", i)));
        }
        // a progress line at every image (instead of every 5 s), so that a short run shows them
        ChildJvm.Result r = ChildJvm.run(tmp.resolve("log.txt"), List.of("-Dhybridvision.progress.seconds=0"),
                Main.class, "predict", "--model", "cmt_ti", "--batch", "2", "--top", "2", images.toString());
        assertEquals(0, r.exit(), r.log());
        assertFalse(r.log().contains("\r"), "carriage returns in a redirected output:\n" + r.log());
        assertFalse(r.log().contains("\u001b"), "escape codes in a redirected output");
        int progress = 0;
        int results = 0;
        for (String line : r.log().lines().toList()) {
            if (line.startsWith("predict")) {
                assertTrue(line.matches(PROGRESS), "a progress line holds nothing else: '" + line + "'");
                progress++;
            } else if (line.contains("pic")) {
                assertTrue(line.matches("\\S+pic\\d\\d\\.png\\s+1\\s+\\d+  .*\\d\\.\\d{4}"),
                        "a result line holds nothing else: '" + line + "'");
                results++;
            } else {
                assertFalse(line.contains("img/s") || line.contains("%]"), "progress inside '" + line + "'");
            }
        }
        assertEquals(12, results, r.log());
        assertTrue(progress >= 6, "plain progress lines (one per batch of 2 at least): " + progress + "\n" + r.log());
    }
}
