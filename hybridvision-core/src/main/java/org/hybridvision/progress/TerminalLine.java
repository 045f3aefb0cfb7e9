package org.hybridvision.progress;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;

import java.io.PrintStream;

/**
 * The terminal line that shows an animated bar ({@link Progress.Mode#BAR}): each frame rewrites the line after a
 * carriage return, and {@link #above} clears it, lets something else print, and redraws it, all under one lock
 * (frames come from the progress bar's own thread). The width is the terminal's, as the library measures it.
 */
final class TerminalLine extends ConsoleProgressBarConsumer {
    private static final int FALLBACK_WIDTH = 100;

    private final PrintStream term;
    private final PrintStream results;
    private String frame;
    private boolean visible;
    private boolean closed;

    TerminalLine(PrintStream term, PrintStream results) {
        super(term);
        this.term = term;
        this.results = results;
    }

    @Override
    public int getMaxRenderedLength() {
        int w;
        try {
            w = super.getMaxRenderedLength();
        } catch (RuntimeException e) {
            w = -1; // the library could not size the terminal
        }
        return w >= 20 ? w : FALLBACK_WIDTH - 1;
    }

    @Override
    public synchronized void accept(String rendered) {
        if (closed) {
            return;
        }
        int max = getMaxRenderedLength();
        String f = rendered.length() > max ? rendered.substring(0, max) : rendered;
        int pad = visible && frame != null ? Math.max(0, frame.length() - f.length()) : 0;
        term.print("\r" + f + " ".repeat(pad));
        term.flush();
        frame = f;
        visible = true;
    }

    @Override
    public synchronized void clear() {
        erase();
    }

    /** Clears the bar, runs {@code print} (results, notes), and redraws the bar on the line after them. */
    synchronized void above(Runnable print) {
        erase();
        print.run();
        results.flush();
        term.flush();
        if (!closed && frame != null) {
            term.print("\r" + frame);
            term.flush();
            visible = true;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (visible) {
            term.println();
        }
        term.flush();
        visible = false;
    }

    private void erase() {
        if (visible && frame != null) {
            term.print("\r" + " ".repeat(frame.length()) + "\r");
            term.flush();
        }
        visible = false;
    }
}
