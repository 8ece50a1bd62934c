"""A hotel price list as seed 000 shows it (ADAM & EVE HOTELS), written as XLSX."""

import io

from openpyxl import Workbook

HEADERS = ["Распо", "Класс номера:", "Тип номера:", "Количество гостей:", "Питание:", "Сумма"]
ROWS = [
    [
        "MB (Main Building) / Основное здание отеля",
        "STD (Standart) / Стандартная комната",
        "DBL (Double) / Двухместное размещение",
        2,
        "BB (bed & breakfast) / Только завтрак",
        "$100.00",
    ],
    [
        "NV (Holiday Village) / Бунгало",
        "STD (Standart) / Стандартная комната",
        "DBL (Double) / Двухместное размещение",
        2,
        "BB (bed & breakfast) / Только завтрак",
        "$40.00",
    ],
    [
        "MB (Main Building) / Основное здание отеля",
        "DLX (Deluxe) / Номер делюкс",
        "DBL (Double) / Двухместное размещение",
        2,
        "BB (bed & breakfast) / Только завтрак",
        "$180.00",
    ],
    [
        "MB (Main Building) / Основное здание отеля",
        "STD (Standart) / Стандартная комната",
        "SGL (Single) / Одноместное размещение",
        1,
        "HB (half board) / Полупансион",
        "$90.00",
    ],
]


def hotel_xlsx(rows=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows or ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
