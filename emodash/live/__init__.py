"""Streamlit-side helpers: cached model loaders and streamlit-webrtc frame callbacks (the only place beside the
pages that imports Streamlit or av)."""
