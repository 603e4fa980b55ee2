from __future__ import annotations

from bs4 import BeautifulSoup


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def summary(response) -> dict[str, str]:
    page = soup(response)
    return {
        el["data-metric"]: el.get_text(strip=True)
        for el in page.select("#summary-title ~ div [data-metric]")
    }


def table(response, name: str) -> dict[str, dict[str, str]]:
    """{row label: {metric key: text}} of the table marked data-table=name."""
    page = soup(response)
    rows = {}
    for tr in page.select(f'table[data-table="{name}"] tr'):
        head = tr.find("th", scope="row")
        if head is None:
            continue
        rows[head.get_text(strip=True)] = {
            td["data-metric"]: td.get_text(strip=True)
            for td in tr.find_all("td")
            if td.has_attr("data-metric")
        }
    return rows
