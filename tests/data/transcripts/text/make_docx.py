"""Build the DOCX transcripts of this folder: ``python tests/data/transcripts/text/make_docx.py``.

- ``word_ru_coffee.docx``: as Word writes an edited interview: a title, ``Key: value`` lines,
  a paragraph of context, then paragraphs opening with a bold ``Name:`` run, and paragraphs
  without a label that continue the speaker.
- ``gdocs_tr_florist.docx``: as a Google Docs export of a table transcript: a title and a
  ``time | speaker | text`` table with a header row.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

HERE = Path(__file__).resolve().parent

COFFEE = [
    ("Светлана", "Денис, добрый день. Расскажите, как вы раньше работали с постоянными гостями?"),
    ("Денис", "Бумажные карточки. Десятый кофе в подарок, ставили штампики."),
    ("", "Карточки терялись, а бариста иногда ставили два штампа знакомым."),
    ("Светлана", "Когда вы решили это поменять?"),
    (
        "Денис",
        "В марте открыли вторую кофейню. Гости приходили с карточкой из первой, и никто не "
        "понимал, что с ней делать.",
    ),
    ("Светлана", "Что вы попробовали сначала?"),
    (
        "Денис",
        "Приложение от нашей кассы. Оно стоило недорого, но гостям надо было его скачивать. "
        "Скачали человек двадцать.",
    ),
    ("Светлана", "А как появился Pulse?"),
    (
        "Денис",
        "Поставщик зерна рассказал, что у других кофеен бонусы по номеру телефона. Без приложения.",
    ),
    ("Светлана", "Что вас смущало?"),
    ("Денис", "Что бариста не будут спрашивать номер в очереди. Утром очередь до двери."),
    ("", "Ещё боялся, что гости не захотят давать телефон."),
    ("Светлана", "И как на деле?"),
    (
        "Денис",
        "Спрашивают, потому что за каждого нового гостя у них бонус. За два месяца набрали "
        "тысячу двести номеров.",
    ),
    ("Светлана", "А сколько это стоит вам в месяц?"),
    (
        "Денис",
        "Около девяти тысяч рублей за обе кофейни. Это меньше, чем мы тратили на печать "
        "карточек и подарочный кофе.",
    ),
    ("Светлана", "Что бы вы посоветовали другим кофейням?"),
    (
        "Денис",
        "Начните с одной точки и с одной простой акции. Мы сначала придумали пять уровней "
        "скидок, гости запутались.",
    ),
    ("Светлана", "Спасибо, Денис!"),
    ("Денис", "Вам спасибо."),
]

FLORIST = [
    ("00:00:02", "Selin", "Merhaba Deniz Hanım, hoş geldiniz. Çiçekçiliğinizde siparişleri "
     "nasıl alıyordunuz?"),
    ("00:00:09", "Deniz", "Telefonla ve Instagram mesajlarıyla. Siparişleri bir ajandaya "
     "yazıyordum."),
    ("00:00:21", "Selin", "Sorun ne zaman başladı?"),
    ("00:00:24", "Deniz", "Sevgililer Günü'nde. Aynı adrese iki buket gitti, bir siparişi hiç "
     "göndermedik."),
    ("00:00:40", "Selin", "O zaman ne yaptınız?"),
    ("00:00:43", "Deniz", "Müşteriye parasını iade ettim ve bir sistem aramaya başladım."),
    ("00:00:55", "Selin", "Pulse'u nasıl buldunuz?"),
    ("00:00:58", "Deniz", "Toptancımızın kasasında bir broşür gördüm. Sipariş formu ve teslimat "
     "listesi vardı."),
    ("00:01:12", "Selin", "Sizi ne endişelendirdi?"),
    ("00:01:15", "Deniz", "Kuryelerimiz. Biri altmış yaşında, akıllı telefon kullanmıyor."),
    ("00:01:28", "Selin", "Bunu nasıl çözdünüz?"),
    ("00:01:31", "Deniz", "Ona her sabah listeyi yazdırıyoruz. Diğerleri uygulamadan bakıyor."),
    ("00:01:45", "Selin", "Şimdi siparişler nasıl ilerliyor?"),
    ("00:01:48", "Deniz", "Hepsi tek listede. Geçen Anneler Günü'nde tek bir sipariş bile "
     "karışmadı."),
    ("00:02:02", "Selin", "Fiyat konusunda ne düşünüyorsunuz?"),
    ("00:02:05", "Deniz", "Aylık ücret bizim için biraz yüksek. Ama kaybettiğimiz tek bir düğün "
     "siparişi bundan pahalı."),
    ("00:02:18", "Selin", "Teşekkür ederim Deniz Hanım."),
    ("00:02:21", "Deniz", "Ben teşekkür ederim."),
]  # fmt: skip


def word_ru_coffee(path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Интервью с Денисом Климовым, кофейни «Зерно»")
    doc.add_paragraph("Дата: 21.05.2025")
    doc.add_paragraph("Модератор: Светлана Орлова")
    doc.add_paragraph(
        "Денис — совладелец двух кофеен в Казани. Разговор о том, почему они отказались от "
        "бумажных карточек лояльности."
    )
    doc.add_paragraph("")
    for name, text in COFFEE:
        para = doc.add_paragraph()
        if name:
            para.add_run(f"{name}: ").bold = True
        para.add_run(text)
    doc.core_properties.author = "Светлана Орлова"
    doc.save(path)


def gdocs_tr_florist(path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Görüşme notu – Pulse geçişi, Deniz Çiçekçilik")
    table = doc.add_table(rows=0, cols=3)
    for row in [("Zaman", "Konuşmacı", "Metin"), *FLORIST]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    doc.save(path)


if __name__ == "__main__":
    word_ru_coffee(HERE / "word_ru_coffee.docx")
    gdocs_tr_florist(HERE / "gdocs_tr_florist.docx")
