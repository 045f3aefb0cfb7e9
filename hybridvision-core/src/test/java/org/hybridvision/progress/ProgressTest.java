package org.hybridvision.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Progress} keeps results and progress on separate lines, on a terminal and in a log file. */
class ProgressTest {

    static final String LINE = "task: \\d+/20 img \\(\\d+%\\), [\\d.]+ img/s, \\d+:\\d\\d:\\d\\d elapsed"
            + "(, ~\\d+:\\d\\d:\\d\\d left)?(, loss [\\d.]+)?";

    @Test
    void plainLinesInALogFileAreWholeLinesWithoutCarriageReturns() {
        ByteArrayOutputStream file = new ByteArrayOutputStream(); // stdout and stderr both into one file
        PrintStream stream = new PrintStream(file, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.of("task", 20).unit("img").mode(Progress.Mode.LINES).lineSeconds(0)
                .stream(stream).results(stream).start()) {
            assertEquals(Progress.Mode.LINES, p.mode());
            for (int i = 0; i < 20; i++) {
                int k = i;
                p.printAbove(() -> stream.println("result " + k));
                p.message(i >= 10 ? "loss 0.5" : "");
                p.step();
            }
            assertEquals(20, p.current());
        }
        String log = file.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("\r"), "no carriage return");
        assertFalse(log.contains("\u001b"), "no escape code");
        List<String> lines = log.lines().toList();
        assertEquals(40, lines.size(), log);
        for (int i = 0; i < 20; i++) {
            assertEquals("result " + i, lines.get(2 * i));
            assertTrue(lines.get(2 * i + 1).matches(LINE), lines.get(2 * i + 1));
        }
        assertTrue(lines.get(39).startsWith("task: 20/20 img (100%)"), lines.get(39));
        assertTrue(lines.get(39).endsWith(", loss 0.5"), lines.get(39));
    }

    @Test
    void plainLinesComeEveryFewSecondsOnly() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(file, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.of("task", 1000).mode(Progress.Mode.LINES).lineSeconds(3600).stream(stream)
                .results(stream).start()) {
            for (int i = 0; i < 1000; i++) {
                p.step();
            }
        }
        assertEquals("", file.toString(StandardCharsets.UTF_8), "nothing within the first hour");
    }

    @Test
    void onATerminalNoResultSharesALineWithTheBar() throws InterruptedException {
        ByteArrayOutputStream tty = new ByteArrayOutputStream(); // a terminal shows stdout and stderr together
        PrintStream stream = new PrintStream(tty, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.of("task", 20).unit("img").mode(Progress.Mode.BAR).barMillis(50).stream(stream)
                .results(stream).start()) {
            assertEquals(Progress.Mode.BAR, p.mode());
            for (int i = 0; i < 20; i++) {
                int k = i;
                p.printAbove(() -> stream.println("result " + k));
                p.step();
                Thread.sleep(15); // let the bar's thread draw frames between results
            }
        }
        stream.println("summary");
        String raw = tty.toString(StandardCharsets.UTF_8);
        assertTrue(raw.contains("\r"), "the bar is redrawn in place");
        List<String> screen = screen(raw);
        List<String> results = new ArrayList<>();
        for (String line : screen) {
            boolean isResult = line.matches("result \\d+|summary");
            boolean isBar = line.startsWith("task ");
            assertTrue(isResult ^ isBar, "a screen line is a result or the bar, not both or neither: '" + line + "'\n"
                    + raw);
            if (isResult) {
                results.add(line);
            }
        }
        assertEquals(21, results.size(), String.join("\n", screen));
        for (int i = 0; i < 20; i++) {
            assertEquals("result " + i, results.get(i));
        }
        assertEquals("summary", screen.get(screen.size() - 1));
        assertTrue(screen.get(screen.size() - 2).startsWith("task 100%"), "the last frame stays: " + screen);
    }

    @Test
    void offShowsNothingButStillCounts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        List<String> printed = new ArrayList<>();
        try (Progress p = Progress.of("task", 5).enabled(false).stream(stream).results(stream).lineSeconds(0)
                .start()) {
            assertEquals(Progress.Mode.OFF, p.mode());
            p.stepBy(3);
            p.printAbove(() -> printed.add("x"));
            assertEquals(3, p.current());
        }
        assertEquals(List.of("x"), printed);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void modeCanBeForced() {
        String before = System.getProperty("hybridvision.progress");
        try {
            System.setProperty("hybridvision.progress", "off");
            assertEquals(Progress.Mode.OFF, Progress.detectMode());
            System.setProperty("hybridvision.progress", "lines");
            assertEquals(Progress.Mode.LINES, Progress.detectMode());
            System.setProperty("hybridvision.progress", "bar");
            assertEquals(Progress.Mode.BAR, Progress.detectMode());
        } finally {
            if (before == null) {
                System.clearProperty("hybridvision.progress");
            } else {
                System.setProperty("hybridvision.progress", before);
            }
        }
        assertEquals("0:00:00", Progress.clock(0.2));
        assertEquals("1:01:05", Progress.clock(3665));
    }

    /** What a terminal shows for {@code raw}: a carriage return moves to the line's start, later text overwrites. */
    static List<String> screen(String raw) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int col = 0;
        for (char c : raw.toCharArray()) {
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                lines.add(cur.toString().stripTrailing());
                cur.setLength(0);
                col = 0;
            } else {
                if (col < cur.length()) {
                    cur.setCharAt(col, c);
                } else {
                    cur.append(c);
                }
                col++;
            }
        }
        if (!cur.toString().isBlank()) {
            lines.add(cur.toString().stripTrailing());
        }
        lines.removeIf(String::isEmpty);
        return lines;
    }
}
