package io.pigeonstreams.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentStatus;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.e2e.Await;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.ExperimentMapping;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.StickerCatalog;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The gallery in a real browser (Debian's Chromium, driven by Selenium through its chromedriver)
 * against the engine with the real model on the in-process broker: a person opens the page as a
 * user with a history, picks a reference from the catalog, asks for a sticker, sees it arrive
 * without reloading, and likes it; the like is a record on {@code interactions}. Writes {@code
 * target/gallery.png}, the screenshot the README shows.
 */
class GalleryBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void shouldRequestAStickerAndLikeItInABrowser(@TempDir Path state) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
    StickerDataset ds = TestData.dataset();
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "application.id",
                  "pigeon-gallery-browser",
                  "state.dir",
                  state.toString(),
                  "pigeon.http.port",
                  "0"));
      try (Gallery gallery = Gallery.start(config);
          PigeonEngine engine =
              new PigeonEngine(gallery.advertiseIn(config), EngineComponents.of(config));
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        gallery.attach(engine);
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        Topics topics = engine.topics();

        // Given a catalog, a user who likes one style, and an experiment others took part in
        StickerCatalog catalog = new StickerCatalog(ds, 40);
        catalog.send(producer, topics);
        Await.until(
            () -> engine.catalogStore().get(catalog.lastItemId()) != null,
            "catalog",
            Duration.ofSeconds(120));
        String user = "gallery-browser-user";
        for (int e = 0; e < 8; e++) {
          producer.send(
              topics.interactions,
              user,
              Records.interaction(user, catalog.itemId(e, 1), Action.LIKE, 10 + e));
        }
        Experiment experiment =
            Experiment.newBuilder()
                .setId("more-style")
                .setStatus(ExperimentStatus.RUNNING)
                .setVariants(
                    List.of(
                        ExperimentMapping.variant("control:0.5"),
                        ExperimentMapping.variant("alpha-r-0.8:0.5:alpha_r=0.8")))
                .setHashSeed("")
                .setMetrics(List.of("like_rate"))
                .setStartAt(Instant.now().minusSeconds(1))
                .build();
        producer.send(topics.experiments, experiment.getId(), experiment);
        producer.flush();
        Await.until(
            () -> engine.experimentsStore().get("more-style") != null,
            "experiment",
            Duration.ofSeconds(30));
        for (int u = 0; u < 24; u++) {
          String other = "crowd-" + u;
          for (int e = 0; e < 4; e++) {
            producer.send(
                topics.interactions,
                other,
                Records.interaction(other, catalog.itemId(e + u % 5, u % 4), Action.LIKE, e));
          }
          producer.send(
              topics.requests,
              other,
              Records.request("crowd-r-" + u, other, catalog.itemId(20 + u % 10, 4)).build());
        }
        producer.flush();
        List<GeneratedImage> crowd =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                24,
                Duration.ofSeconds(120),
                Duration.ofMillis(200));
        int k = 0;
        for (GeneratedImage g : crowd) {
          Action a = k++ % 3 == 0 ? Action.LIKE : Action.SKIP;
          producer.send(
              topics.interactions,
              g.getUserId(),
              Interaction.newBuilder(Records.interaction(g.getUserId(), g.getImageId(), a, 100))
                  .setGeneratedImageId(g.getImageId())
                  .build());
        }
        producer.flush();

        // When a person opens the page as that user, picks a reference and asks for a sticker
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1200",
            "--user-data-dir=" + Files.createTempDirectory("pigeon-chromium"));
        ChromeDriverService service =
            new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
          WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
          browser.get(gallery.url() + "?user=" + user);
          wait.until(d -> d.findElements(By.cssSelector("#history img")).size() >= 5);
          WebElement search = browser.findElement(By.id("search"));
          search.sendKeys(ds.emoji().get(30).name());
          wait.until(
              d ->
                  !d.findElements(
                          By.cssSelector(
                              ".catalog-item[data-item$='" + ds.emoji().get(30).id() + "']"))
                      .isEmpty());
          browser
              .findElements(
                  By.cssSelector(".catalog-item[data-item$='" + ds.emoji().get(30).id() + "']"))
              .get(0)
              .click();
          browser.findElement(By.id("make")).click();

          // Then the sticker arrives without a reload
          wait.until(d -> d.findElement(By.id("status")).getText().contains("arrived"));
          WebElement card = browser.findElements(By.cssSelector("#images .card")).get(0);
          String imageId = card.getAttribute("data-image");
          assertThat(card.getAttribute("data-request")).startsWith("web-");
          assertThat(
                  (Boolean)
                      browser.executeScript(
                          "return arguments[0].complete && arguments[0].naturalWidth > 0",
                          card.findElement(By.cssSelector("img.sticker"))))
              .isTrue();

          // And the like goes to interactions
          card.findElement(By.cssSelector("button.like")).click();
          wait.until(d -> d.findElement(By.id("status")).getText().contains("like sent"));
          List<Interaction> seen =
              CommittedReader.read(
                  kafka.bootstrapServers(),
                  topics.interactions.name(),
                  topics.interactions.valueSerde().deserializer(),
                  8 + 24 * 4 + 24 + 1,
                  Duration.ofSeconds(30),
                  Duration.ofMillis(200));
          assertThat(seen)
              .anySatisfy(
                  i -> {
                    assertThat(i.getUserId()).isEqualTo(user);
                    assertThat(i.getGeneratedImageId()).isEqualTo(imageId);
                    assertThat(i.getAction()).isEqualTo(Action.LIKE);
                  });
          // and the experiment's report is on the page
          browser.navigate().refresh();
          wait.until(d -> !d.findElements(By.cssSelector("#experiments table")).isEmpty());
          wait.until(d -> !d.findElements(By.cssSelector("#images .card.reacted-LIKE")).isEmpty());
          Path shot = Path.of("target", "gallery.png");
          Files.createDirectories(shot.getParent());
          Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
          browser.quit();
        }
      }
    }
  }
}
