package org.hybridvision.cli;

import picocli.CommandLine.Option;

/** Options shared by the commands that stream images through a model ({@code predict}, {@code eval}). */
final class BatchOptions {
    @Option(names = "--batch", defaultValue = "8",
            description = "Images per forward pass (default ${DEFAULT-VALUE}; activation memory grows with it).")
    int batch;

    @Option(names = "--decode-threads", defaultValue = "-1", paramLabel = "N",
            description = "Image decoding threads; 0 decodes on the model thread (default: one per core).")
    int decodeThreads;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "T",
            description = "Intra-op threads of the engine (default: all cores).")
    int threads;

    @Option(names = "--no-progress", description = "Do not show a progress bar on stderr.")
    boolean noProgress;
}
