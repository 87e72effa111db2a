-- Market prices fetched from OMIE / REE / ESIOS, in micro-euros per kWh.
CREATE TABLE market_prices (
    market         TEXT    NOT NULL,          -- 'omie' or 'pvpc'
    start          INTEGER NOT NULL,          -- unix seconds
    minutes        INTEGER NOT NULL,          -- 15 or 60
    micros_per_kwh INTEGER NOT NULL,
    source         TEXT    NOT NULL,
    fetched_at     INTEGER NOT NULL,
    PRIMARY KEY (market, start)
);
