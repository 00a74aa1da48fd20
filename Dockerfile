# emodash dashboard: the same steps as `make run`, serving on 0.0.0.0:8501.
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends libportaudio2 libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-nodeps.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
    && pip install --no-cache-dir --no-deps -r requirements-nodeps.txt

COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e .

EXPOSE 8501 8000
CMD ["streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
