package io.pigeonstreams.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.topology.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class StickerCatalogTest {

  private final StickerDataset ds = TestData.dataset();
  private final Topics topics = new Topics(Map.of());

  @Test
  void shouldSendEveryEmojiInEveryStyleKeyedByStyleSlashIdWithItsImage() throws Exception {
    // Given the first three emoji of the dataset as a catalog
    StickerCatalog catalog = new StickerCatalog(ds, 3);
    MockProducer<String, byte[]> mock =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    // When it is sent
    try (TopicProducer producer = new TopicProducer(mock)) {
      catalog.send(producer, topics);
    }

    // Then each emoji went in each style, in catalog order, keyed and named by style/emojiId
    List<String> ids = catalog.itemIds();
    assertThat(ids).hasSize(3 * ds.styleCount()).doesNotHaveDuplicates();
    assertThat(ids.get(1)).isEqualTo(StickerDataset.STYLES.get(1) + "/" + ds.emoji().get(0).id());
    assertThat(catalog.lastItemId()).isEqualTo(ids.get(ids.size() - 1));
    assertThat(mock.history()).hasSize(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      var record = mock.history().get(i);
      Item item =
          topics.items.valueSerde().deserializer().deserialize(record.topic(), record.value());
      assertThat(record.topic()).isEqualTo(topics.items.name());
      assertThat(record.key()).isEqualTo(ids.get(i)).isEqualTo(item.getItemId());
      assertThat(item.getStyle().toString()).isEqualTo(ids.get(i).split("/")[0]);
    }
    // the image is the dataset's, as PNG
    Item first =
        topics
            .items
            .valueSerde()
            .deserializer()
            .deserialize("items", mock.history().get(0).value());
    float[] decoded = StickerImage.fromPng(StickerImage.bytes(first.getImage()), 1024);
    assertThat(decoded).containsExactly(ds.image(0, 0), org.assertj.core.data.Offset.offset(0.01f));
  }

  @Test
  void shouldNotPromiseMoreEmojiThanTheDatasetHas() {
    // Given a catalog asked for more emoji than exist
    StickerCatalog catalog = new StickerCatalog(ds, ds.emojiCount() + 10);

    // Then it holds the whole dataset
    assertThat(catalog.emojiCount()).isEqualTo(ds.emojiCount());
    assertThat(catalog.size()).isEqualTo(ds.emojiCount() * ds.styleCount());
  }
}
