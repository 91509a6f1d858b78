"""The Streamlit web app of Hilo Rojo (started by `hilorojo ui`)."""
