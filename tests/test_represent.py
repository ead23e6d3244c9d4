"""Clusters are described by readable keywords, a short label and distinct central quotes."""

import numpy as np
import pytest

from nlp_jtbd.discover.represent import ClusterRepresenter
from nlp_jtbd.discover.tokenize import Tokenizer, lemmas, resolve_lang
from nlp_jtbd.errors import UsageError

SMS_OUTAGE = [
    ("SMS с кодом не приходят уже второй день", "ru"),
    ("Ну вот, как бы, смс-коды опять не пришли, провайдер SMS лежит", "ru"),
    ("Коды подтверждения по SMS не доходят до клиентов", "ru"),
    ("У SMS провайдера сбой, заказы висят без подтверждения", "ru"),
    ("Um, the SMS provider had an outage and no codes arrived", "en"),
    ("Our customers did not receive SMS codes during the outage", "en"),
    ("Yeah, the SMS provider outage blocked every login", "en"),
    ("SMS codes arrive an hour late, like, really late", "en"),
    ("Şey, SMS kodları gelmiyor, yani giriş yapamıyoruz", "tr"),
    ("SMS sağlayıcısında kesinti var, kodlar gelmedi", "tr"),
    ("Yani SMS kodu hâlâ gelmedi, kesinti bitmedi mi?", "tr"),
    ("SMS provider outage again, codes never arrived", "en"),
]
PRICE_RENEWAL = [
    ("Подписка слишком дорогая, продление списали без предупреждения", "ru"),
    ("Автоматическое продление подписки — деньги списали, а я не хотел", "ru"),
    ("Цена подписки выросла, продление стало дороже", "ru"),
    ("The renewal price doubled and nobody warned us", "en"),
    ("Um, the subscription renewal charged my card twice", "en"),
    ("Price went up at renewal, the subscription is too expensive now", "en"),
    ("I was charged for the renewal after I cancelled the subscription", "en"),
    ("Abonelik fiyatı çok pahalı, yenileme ücreti arttı", "tr"),
    ("Yani abonelik yenileme ücreti habersiz çekildi", "tr"),
    ("Abonelik fiyatı her yenilemede artıyor", "tr"),
]
CONTACT_IMPORT = [
    ("Импорт контактов из Google не работает", "ru"),
    ("Контакты не импортируются, импорт зависает на половине", "ru"),
    ("Типа, импорт контактов из CSV падает с ошибкой", "ru"),
    ("Contact import from Google fails halfway", "en"),
    ("I cannot import contacts from a CSV file", "en"),
    ("The contact import duplicates every contact", "en"),
    ("Importing contacts from Outlook just hangs", "en"),
    ("Kişileri içe aktarma çalışmıyor, rehber boş kalıyor", "tr"),
    ("Rehberden kişi aktarma yarıda kalıyor", "tr"),
    ("Google kişileri aktarılamıyor, işte hata veriyor", "tr"),
]
ORDERS_RU = [
    "Заказ не пришёл, и уведомление тоже",
    "Заказы теряются, уведомления не приходят",
    "Нет уведомлений о статусе заказов",
    "Статус заказа не обновляется, уведомлений нет",
    "Уведомление о заказе пришло через день",
    "Ну вот, как бы, заказы висят, уведомления молчат",
    "Короче, заказа нет, уведомления тоже нет",
]
COURIER_RU = [
    "Курьер опоздал на два часа",
    "Курьер не позвонил перед доставкой",
    "Доставка курьером заняла неделю",
    "Курьер привёз не тот товар",
    "Доставка опять задержалась, курьер молчит",
]
FILLERS = {
    "ну",
    "вот",
    "как",
    "бы",
    "типа",
    "короче",
    "это",
    "şey",
    "yani",
    "işte",
    "um",
    "yeah",
    "like",
}


def fit_topics(**params):
    data = SMS_OUTAGE + PRICE_RENEWAL + CONTACT_IMPORT
    texts = [t for t, _ in data]
    langs = [lang for _, lang in data]
    labels = np.array([0] * len(SMS_OUTAGE) + [1] * len(PRICE_RENEWAL) + [2] * len(CONTACT_IMPORT))
    return ClusterRepresenter(**params).fit(texts, langs, labels), texts


def words_of(keywords):
    return [w for keyword, _ in keywords for w in keyword.casefold().split()]


def test_russian_inflections_count_as_one_keyword():
    texts = ORDERS_RU + COURIER_RU
    labels = np.array([0] * len(ORDERS_RU) + [1] * len(COURIER_RU))
    rep = ClusterRepresenter().fit(texts, "ru", labels)
    single = [k for k, _ in rep.keywords_[0] if " " not in k]
    assert [k for k in single if k.startswith("заказ")] == ["заказ"]
    assert len([k for k in single if k.startswith("уведомлен")]) == 1
    first, second = rep.labels_text_[0].split(" · ")[:2]
    assert {first[:5], second[:5]} == {"заказ", "уведо"}
    assert any(k.startswith("курьер") for k, _ in rep.keywords_[1])


def test_inflected_forms_share_a_lemma():
    assert set(lemmas("заказ заказы заказов заказа", "ru")) == {"заказ"}
    assert set(lemmas("уведомление уведомления уведомлений", "ru")) == {"уведомление"}
    assert set(lemmas("orders order", "en")) == {"order"}
    assert set(lemmas("siparişler siparişim", "tr")) == {"sipariş"}


def test_stop_words_and_fillers_never_become_keywords():
    rep, _ = fit_topics()
    for keywords in rep.keywords_.values():
        assert not FILLERS & set(words_of(keywords))
        assert not {"the", "and", "не", "из", "ve", "çok", "bir"} & set(words_of(keywords))
    assert lemmas("Ну вот, как бы, типа, короче, это вообще просто", "ru") == []
    assert lemmas("Um, uh, yeah, like, okay, it's kind of, sort of, really, actually", "en") == []
    assert lemmas("Şey, yani, işte, hani, tamam, evet, falan", "tr") == []


def test_keywords_name_each_topic_in_its_languages():
    rep, _ = fit_topics()
    sms, price, contacts = (words_of(rep.keywords_[c]) for c in (0, 1, 2))
    assert "sms" in sms and {"provider", "outage"} <= set(sms)
    assert {"renewal", "subscription", "abonelik", "подписка"} <= set(price)
    assert {"contact", "import", "импорт"} <= set(contacts)
    assert {"kişi", "aktarma"} & set(contacts)
    assert rep.labels_text_ == {
        0: "SMS · codes · outage",
        1: "renewal · subscription · подписка",
        2: "contact · import · Google",
    }


def test_keywords_read_as_written_and_do_not_repeat():
    rep, _ = fit_topics()
    shown = [k for keywords in rep.keywords_.values() for k, _ in keywords]
    assert "SMS" in shown and "Google" in shown  # capitalised as people write them
    for keywords in rep.keywords_.values():
        names = [k.casefold() for k, _ in keywords]
        assert len(names) == len(set(names)) <= 10
        for name in names:
            parts = name.split()
            assert len(parts) == 1 or not all(p in names for p in parts), name
        scores = [s for _, s in keywords]
        assert scores == sorted(scores, reverse=True)


def test_representatives_are_closest_to_the_centroid_and_distinct():
    texts = [
        "SMS codes never arrive",  # 0: the centre
        "sms codes never arrive!",  # 1: the same quote again
        "The provider had an outage",  # 2
        "Login codes are late",  # 3
        "Codes do not come at all",  # 4: other words, same embedding as 0
        "I like the new colours",  # 5: far from the centre
        "Unrelated remark about taxes",  # 6: unassigned
    ]
    embeddings = np.array(
        [[1.0, 0.0], [1.0, -0.01], [0.9, 0.3], [0.7, -0.7], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    )
    embeddings = embeddings.astype(np.float32)
    given = embeddings.copy()
    labels = np.array([0, 0, 0, 0, 0, 0, -1])
    rep = ClusterRepresenter(n_representatives=3).fit(texts, "en", labels, embeddings)
    assert rep.representatives_ == {0: [0, 2, 3]}
    assert np.array_equal(embeddings, given)  # the caller's array is left alone

    unit = embeddings[:6] / np.linalg.norm(embeddings[:6], axis=1, keepdims=True)
    cosine = unit @ unit.mean(axis=0)
    assert list(np.argsort(-cosine, kind="stable")[:5]) == [0, 4, 1, 2, 3]

    everyone = ClusterRepresenter(n_representatives=10).fit(texts, "en", labels, embeddings)
    assert everyone.representatives_[0] == [0, 2, 3, 5]


def test_without_embeddings_representatives_carry_the_keywords():
    rep, texts = fit_topics(n_representatives=3)
    for cluster, picked in rep.representatives_.items():
        assert len(picked) == 3 and len({texts[i].casefold() for i in picked}) == 3
        keywords = [k.casefold() for k, _ in rep.keywords_[cluster]]
        assert all(any(k in texts[i].casefold() for k in keywords) for i in picked)
    assert set(rep.representatives_[0]) <= set(range(len(SMS_OUTAGE)))


def test_unassigned_texts_are_left_out():
    data = SMS_OUTAGE + [("Blockchain wallets and blockchain tokens", "en")] * 3
    labels = np.array([0] * len(SMS_OUTAGE) + [-1] * 3)
    rep = ClusterRepresenter().fit([t for t, _ in data], [lang for _, lang in data], labels)
    assert rep.sizes_ == {0: len(SMS_OUTAGE)}
    assert set(rep.keywords_) == set(rep.labels_text_) == set(rep.representatives_) == {0}
    assert "blockchain" not in words_of(rep.keywords_[0])
    assert max(rep.representatives_[0]) < len(SMS_OUTAGE)


def test_a_cluster_without_content_words_gets_a_fallback_label():
    texts = ["Ну вот, как бы, это", "Um, yeah, okay", "Şey, yani, işte", "12 34 !!!", ""]
    labels = np.array([7, 7, 7, 7, 7])
    rep = ClusterRepresenter().fit(texts, ["ru", "en", "tr", "und", "und"], labels)
    assert rep.keywords_ == {7: []}
    assert rep.labels_text_ == {7: "cluster 7"}
    assert rep.sizes_ == {7: 5}
    assert rep.representatives_[7] == [0, 1, 2, 3, 4]


def test_cluster_ids_need_not_be_contiguous_and_nothing_assigned_is_fine():
    rep, texts = fit_topics()
    labels = np.array([40] * len(SMS_OUTAGE) + [-1] * (len(texts) - len(SMS_OUTAGE)))
    rep = ClusterRepresenter().fit(texts, "und", labels)
    assert list(rep.keywords_) == [40] and rep.keywords_[40]
    empty = ClusterRepresenter().fit(texts, "en", np.full(len(texts), -1))
    assert empty.keywords_ == empty.labels_text_ == empty.representatives_ == empty.sizes_ == {}


def test_fitting_twice_gives_identical_results():
    first, _ = fit_topics()
    second, _ = fit_topics()
    for attribute in ("keywords_", "labels_text_", "representatives_", "sizes_"):
        assert getattr(first, attribute) == getattr(second, attribute)


def test_tokens_are_lower_cased_and_cut_the_way_each_language_needs():
    assert lemmas("İstanbul'da Pulse'u IŞIK", "tr") == ["istanbul", "pulse", "ışık"]
    assert lemmas("The customer's orders don't arrive", "en") == ["customer", "order", "arrive"]
    assert lemmas("Заказ №123 на 2 дня, ОК?", "ru") == ["заказ", "день"]
    assert lemmas("Push-уведомления https://t.co/x @support", "und") == ["push-уведомление"]
    assert resolve_lang("und", "Не приходят коды") == "ru"
    assert resolve_lang(None, "Codes never arrive") == "en"
    assert resolve_lang("pt-BR") == "pt"
    assert lemmas("As notificações não chegam", "pt") == ["notificação", "chegar"]
    assert lemmas("Notificações chegam tarde", "xx") == ["notificações", "chegam", "tarde"]


def test_runs_end_at_stop_words_and_punctuation():
    runs = Tokenizer().runs("SMS provider outage, and the login codes", "en")
    assert [[t.lemma for t in run] for run in runs] == [
        ["sms", "provider", "outage"],
        ["login", "code"],
    ]
    assert runs[0][0].form == "SMS" and runs[0][0].surface == "sms"


def test_invalid_input_is_explained():
    with pytest.raises(UsageError, match="2 languages for 3 texts") as error:
        ClusterRepresenter().fit(["a", "b", "c"], ["en", "en"], np.array([0, 0, 0]))
    assert "one language code per text" in str(error.value)
    with pytest.raises(UsageError, match="labels"):
        ClusterRepresenter().fit(["a", "b"], "en", np.array([0, 0, 0]))
    with pytest.raises(UsageError, match="embeddings"):
        ClusterRepresenter().fit(["a", "b"], "en", np.array([0, 0]), np.zeros((3, 4)))
    with pytest.raises(UsageError, match="diversity"):
        ClusterRepresenter(diversity=2).fit(["a"], "en", np.array([0]))
