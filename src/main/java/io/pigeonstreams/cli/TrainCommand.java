package io.pigeonstreams.cli;

import picocli.CommandLine.Command;

/** {@code train}: one verb per training stage, each run on {@code train.TrainingLoop}. */
@Command(
    name = "train",
    description = "Train models.",
    subcommands = {
      TrainJudgesCommand.class,
      TrainTokenizerCommand.class,
      TrainSftCommand.class,
      TrainScorerCommand.class,
      TrainDpoCommand.class,
      TrainUNetCommand.class,
      TrainReactionsCommand.class
    })
final class TrainCommand {}
