package org.hybridvision.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress of a long task (images classified or evaluated, training images of an epoch, benchmark iterations),
 * shown on standard error in the form that suits where standard error goes:
 * <ul>
 *   <li>{@link Mode#BAR} when it is a terminal: an animated bar (me.tongfei progressbar) redrawn in place on the last
 *       line. Anything printed while it runs goes through {@link #printAbove}, which clears the bar, prints, and
 *       redraws the bar below, so a result never shares a line with it;</li>
 *   <li>{@link Mode#LINES} when it is a file or a pipe: a plain line every few seconds, without carriage returns or
 *       escape codes, e.g. {@code predict: 1,200/10,000 img (12%), 45.3 img/s, 0:00:26 elapsed, ~0:03:14 left};
 *       standard output is flushed first, so with {@code > log 2>&1} results and progress stay whole lines;</li>
 *   <li>{@link Mode#OFF}: nothing (e.g. {@code --no-progress}).</li>
 * </ul>
 * The choice can be forced with {@code -Dhybridvision.progress=bar|lines|off} or the environment variable
 * {@code HYBRIDVISION_PROGRESS}; the seconds between plain lines (default {@value #DEFAULT_LINE_SECONDS}) with
 * {@code -Dhybridvision.progress.seconds=S} or {@code HYBRIDVISION_PROGRESS_SECONDS} (0: a line at every update).
 *
 * <p>Usage: {@code try (Progress p = Progress.of("eval", images).unit("img").start()) { ... p.stepBy(n); ... }};
 * results printed during the task: {@code p.printAbove(() -> System.out.println(line))}. The step methods may be
 * called from any thread.
 */
public final class Progress implements AutoCloseable {

    /** Where and how progress is shown. */
    public enum Mode {
        /** Animated bar on a terminal. */
        BAR,
        /** A plain line every few seconds (files, pipes, CI logs). */
        LINES,
        /** Nothing. */
        OFF
    }

    /** Seconds between two plain progress lines unless configured. */
    public static final double DEFAULT_LINE_SECONDS = 5;

    private final Mode mode;
    private final String task;
    private final long total;
    private final String unit;
    private final long startAt;
    private final PrintStream stream;
    private final PrintStream results;
    private final long lineIntervalNanos;
    private final ProgressBar bar;
    private final TerminalLine line;
    private final long t0 = System.nanoTime();
    private long current;
    private long lastLine;
    private String message = "";
    private boolean closed;

    private Progress(Builder b) {
        this.mode = b.mode;
        this.task = b.task;
        this.total = b.total;
        this.unit = b.unit;
        this.startAt = b.startAt;
        this.stream = b.stream != null ? b.stream : System.err;
        this.results = b.results != null ? b.results : System.out;
        this.lineIntervalNanos = (long) (1e9 * (b.lineSeconds >= 0 ? b.lineSeconds : configuredLineSeconds()));
        this.current = b.startAt;
        this.lastLine = t0;
        if (mode == Mode.BAR) {
            line = new TerminalLine(stream, results);
            ProgressBarBuilder pb = new ProgressBarBuilder().setTaskName(task).setInitialMax(total > 0 ? total : -1)
                    .setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(b.barMillis)
                    .setConsumer(line);
            if (!unit.isEmpty()) {
                pb.setUnit(" " + unit, 1);
            }
            if (startAt > 0) {
                pb.startsFrom(startAt, Duration.ZERO);
            }
            bar = pb.build();
        } else {
            line = null;
            bar = null;
        }
    }

    /**
     * @param task what is being done, shown first ({@code predict}, {@code epoch 3/8 @48})
     * @param total units of work in all; 0 or less when unknown
     * @return a builder; {@link Builder#start()} shows the progress
     */
    public static Builder of(String task, long total) {
        return new Builder(task, total);
    }

    /** @return how this reporter shows progress */
    public Mode mode() {
        return mode;
    }

    /** One more unit done. */
    public void step() {
        stepBy(1);
    }

    /** {@code n} more units done. */
    public synchronized void stepBy(long n) {
        stepTo(current + n);
    }

    /** {@code done} units done in all (counting those before {@link Builder#startAt}). */
    public synchronized void stepTo(long done) {
        current = done;
        if (bar != null) {
            bar.stepTo(done);
        } else if (mode == Mode.LINES && !closed) {
            long now = System.nanoTime();
            if (now - lastLine >= lineIntervalNanos) {
                lastLine = now;
                printLine(now);
            }
        }
    }

    /** Sets the text shown after the counts (e.g. {@code loss 0.4120 lr 1.2e-3}); empty for none. */
    public synchronized void message(String text) {
        message = text == null ? "" : text;
        if (bar != null) {
            bar.setExtraMessage(message.isEmpty() ? "" : " " + message);
        }
    }

    /**
     * Prints something (a result, a note) without mixing it with the progress: on a terminal the bar is cleared
     * first and redrawn below; otherwise {@code print} just runs. Print whole lines.
     */
    public void printAbove(Runnable print) {
        if (line != null) {
            line.above(print);
        } else {
            synchronized (this) {
                print.run();
            }
        }
    }

    /** @return units done so far */
    public synchronized long current() {
        return current;
    }

    /** Ends the display: the bar's last frame stays on its own line; plain lines end without a closing line. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (bar != null) {
            bar.close();
        }
    }

    /** Writes one plain progress line (LINES mode), after whatever stdout holds. */
    private void printLine(long now) {
        double seconds = (now - t0) / 1e9;
        long done = current - startAt;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder s = new StringBuilder(task).append(": ").append(String.format(Locale.ROOT, "%,d", current));
        if (total > 0) {
            s.append(String.format(Locale.ROOT, "/%,d", total));
        }
        if (!unit.isEmpty()) {
            s.append(' ').append(unit);
        }
        if (total > 0) {
            s.append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, Math.round(100.0 * current / total))));
        }
        s.append(String.format(Locale.ROOT, ", %.1f %s/s, %s elapsed", rate, unit.isEmpty() ? "it" : unit,
                clock(seconds)));
        if (total > 0 && rate > 0 && current < total) {
            s.append(", ~").append(clock((total - current) / rate)).append(" left");
        }
        if (!message.isEmpty()) {
            s.append(", ").append(message);
        }
        results.flush();
        stream.println(s);
        stream.flush();
    }

    /** @return {@code h:mm:ss} */
    static String clock(double seconds) {
        long t = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    }

    /**
     * The mode for standard error: forced by {@code hybridvision.progress} / {@code HYBRIDVISION_PROGRESS}, else
     * {@link Mode#BAR} on a terminal and {@link Mode#LINES} otherwise.
     */
    public static Mode detectMode() {
        String forced = setting("hybridvision.progress", "HYBRIDVISION_PROGRESS");
        if (forced != null && !forced.isBlank()) {
            switch (forced.trim().toLowerCase(Locale.ROOT)) {
                case "bar":
                    return Mode.BAR;
                case "lines":
                case "line":
                case "plain":
                    return Mode.LINES;
                case "off":
                case "none":
                    return Mode.OFF;
                default:
                    break; // unknown value: detect
            }
        }
        return stderrIsTerminal() ? Mode.BAR : Mode.LINES;
    }

    /**
     * Whether file descriptor 2 of this process is a terminal. On Linux it is read from {@code /proc/self/fd/2}
     * (a terminal is a {@code /dev/pts/N} or {@code /dev/tty*} device; this holds under the launcher, which
     * {@code exec}s the JVM with its own descriptors), elsewhere {@link System#console()} stands in (a console
     * needs standard input and output on a terminal, which says nothing certain about standard error). A
     * {@code TERM=dumb} terminal counts as none: it cannot redraw a line.
     */
    public static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not Linux, or /proc not readable: fall back below
        }
        return System.console() != null;
    }

    private static double configuredLineSeconds() {
        String v = setting("hybridvision.progress.seconds", "HYBRIDVISION_PROGRESS_SECONDS");
        if (v != null) {
            try {
                double s = Double.parseDouble(v.trim());
                if (s >= 0 && Double.isFinite(s)) {
                    return s;
                }
            } catch (NumberFormatException ignored) {
                // use the default
            }
        }
        return DEFAULT_LINE_SECONDS;
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    /** Settings of a {@link Progress}; {@link #start()} shows it. */
    public static final class Builder {
        private final String task;
        private final long total;
        private String unit = "";
        private long startAt;
        private Mode mode;
        private PrintStream stream;
        private PrintStream results;
        private double lineSeconds = -1;
        private int barMillis = 500;

        private Builder(String task, long total) {
            this.task = task;
            this.total = total;
        }

        /** @param name the unit counted ({@code img}, {@code iter}); none by default */
        public Builder unit(String name) {
            this.unit = name == null ? "" : name.trim();
            return this;
        }

        /** @param done units already done before this run (a resumed epoch): counts start there, speed from 0 */
        public Builder startAt(long done) {
            this.startAt = Math.max(0, done);
            return this;
        }

        /** @param on false for no progress at all ({@code --no-progress}); true keeps the detected mode */
        public Builder enabled(boolean on) {
            if (!on) {
                this.mode = Mode.OFF;
            }
            return this;
        }

        /** @param m the mode, instead of {@link #detectMode()} (tests, or a caller that knows better) */
        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        /** @param s where progress goes (default: {@code System.err} at {@link #start()}) */
        public Builder stream(PrintStream s) {
            this.stream = s;
            return this;
        }

        /** @param s where results go (default: {@code System.out}): flushed before progress is written */
        public Builder results(PrintStream s) {
            this.results = s;
            return this;
        }

        /** @param seconds between plain progress lines (default: the configured value, else 5) */
        public Builder lineSeconds(double seconds) {
            this.lineSeconds = seconds;
            return this;
        }

        /** @param millis between two frames of the animated bar (default 500) */
        public Builder barMillis(int millis) {
            this.barMillis = Math.max(50, millis);
            return this;
        }

        /** @return the reporter, showing progress from now on */
        public Progress start() {
            if (mode == null) {
                mode = detectMode();
            }
            return new Progress(this);
        }
    }
}
