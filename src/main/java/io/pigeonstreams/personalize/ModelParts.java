package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.personalize.Personalizer.Settings;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parts built around one set of model components. Micro-batches lease the current one for their
 * whole run; {@link Personalizer#swap} makes another current at the next batch boundary, and the
 * old one's components are closed when its last batch has finished.
 */
final class ModelParts {
  final RequestValidator validator;
  final BatchPipeline pipeline;
  final AnswerBuilder answers;
  final VisualTokenizer tokenizer;
  final ImageGenerator generator;
  final AutoCloseable owner;
  final AtomicInteger users = new AtomicInteger();
  volatile boolean retired;
  final AtomicBoolean closed = new AtomicBoolean();

  ModelParts(
      Settings settings,
      VisualTokenizer tokenizer,
      HistoryMasker masker,
      ImageGenerator generator,
      PreferenceScorer scorer,
      ClaimCheck claimCheck,
      AutoCloseable owner) {
    this.validator = new RequestValidator(settings, new CatalogTokenizer(tokenizer));
    this.pipeline = new BatchPipeline(masker, generator, scorer);
    this.answers = new AnswerBuilder(settings, generator, claimCheck, tokenizer.name());
    this.tokenizer = tokenizer;
    this.generator = generator;
    this.owner = owner;
  }

  void release() {
    if (users.decrementAndGet() == 0 && retired) {
      closeOnce();
    }
  }

  void closeOnce() {
    if (owner != null && closed.compareAndSet(false, true)) {
      try {
        owner.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing model " + generator.modelVersion(), e);
      }
    }
  }
}
