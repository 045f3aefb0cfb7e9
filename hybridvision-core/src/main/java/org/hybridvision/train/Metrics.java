package org.hybridvision.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-epoch figures of a run, kept in memory and rewritten to {@code metrics.csv} (atomically) after every epoch. A
 * resumed run reads the file back and continues it.
 */
public final class Metrics {
    /** CSV header. */
    public static final String HEADER = "epoch,step,train_loss,train_top1,val_loss,val_top1,val_top5,ema_val_top1,"
            + "lr,images_per_s,epoch_seconds,elapsed_seconds,rss_mb,input_size";

    /**
     * One epoch. Missing values are NaN (e.g. {@code trainTop1} when batches are mixed, validation without data).
     *
     * @param epoch 1-based epoch
     * @param step optimizer steps done at its end
     * @param trainLoss mean training loss
     * @param trainTop1 training accuracy on the (augmented) batches
     * @param valLoss validation cross-entropy
     * @param valTop1 validation top-1
     * @param valTop5 validation top-5
     * @param emaTop1 validation top-1 of the EMA model
     * @param lr learning rate at the end of the epoch
     * @param imagesPerSecond training throughput
     * @param epochSeconds wall time of the epoch (training + evaluation)
     * @param elapsedSeconds wall time of the run so far
     * @param rssMb resident memory of the process at the end of the epoch ({@link ProcessMemory})
     * @param inputSize resolution the epoch trained and was evaluated at (progressive resizing changes it)
     */
    public record Row(int epoch, long step, double trainLoss, double trainTop1, double valLoss, double valTop1,
                      double valTop5, double emaTop1, double lr, double imagesPerSecond, double epochSeconds,
                      double elapsedSeconds, double rssMb, int inputSize) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.8g,%.2f,%.2f,%.2f,%.1f,%d",
                    epoch, step, trainLoss, trainTop1, valLoss, valTop1, valTop5, emaTop1, lr, imagesPerSecond,
                    epochSeconds, elapsedSeconds, rssMb, inputSize);
        }
    }

    private final Path file;
    private final List<Row> rows = new ArrayList<>();

    /** @param file the CSV file; an existing one is read (rows of later epochs are dropped by {@link #truncate}) */
    public Metrics(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.startsWith("epoch")) {
                        continue;
                    }
                    String[] f = line.split(",");
                    double[] d = new double[f.length];
                    for (int i = 0; i < f.length; i++) {
                        d[i] = Double.parseDouble(f[i]);
                    }
                    rows.add(new Row((int) d[0], (long) d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10],
                            d[11], f.length > 12 ? d[12] : Double.NaN, f.length > 13 ? (int) d[13] : 0));
                }
            } catch (IOException | RuntimeException e) {
                rows.clear();
            }
        }
    }

    /** Keeps only rows of epochs {@code <= epoch}. */
    public void truncate(int epoch) {
        rows.removeIf(r -> r.epoch() > epoch);
    }

    /** Adds a row and rewrites the file. */
    public void add(Row row) {
        rows.add(row);
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            sb.append(r.csv()).append('\n');
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** @return the rows so far */
    public List<Row> rows() {
        return List.copyOf(rows);
    }
}
