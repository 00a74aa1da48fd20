"""Photo: upload an image or take one with the camera; every face is boxed and scored."""

import streamlit as st

from emodash.core.errors import InputError
from emodash.dashboard import recording
from emodash.dashboard.cache import face_classifier, face_pipeline
from emodash.io.images import decode_image
from emodash.modalities.face.annotate import draw_faces
from emodash.plots import live as plots

st.title("Photo")
st.caption("For people without webcam streaming. The image is processed in memory and never saved.")

source = st.radio("Image from", ["Upload", "Camera snapshot"], horizontal=True)
if source == "Upload":
    upload = st.file_uploader(
        "An image with one or more faces", type=["jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff"]
    )
else:
    upload = st.camera_input("Take a photo")
aligned = st.checkbox("The image is already one face crop (as in FER-2013)")

if upload is not None:
    try:
        image = decode_image(upload.getvalue(), upload.name)
    except InputError as exc:
        st.error(str(exc))
        st.stop()
    if aligned:
        faces = [face_classifier().predict(image)]
    else:
        faces = face_pipeline().analyze(image)
    recording.record_once(f"photo {hash(upload.getvalue())} {aligned}", faces)
    left, right = st.columns([3, 2])
    with left:
        shown = image if aligned else draw_faces(image, faces)
        st.image(shown[..., ::-1], caption=f"{len(faces)} face(s) found", width="stretch")
    with right:
        if not faces:
            st.warning("No face found. Try a frontal, well-lit face, or tick 'already one face crop'.")
        for i, face in enumerate(faces):
            st.plotly_chart(
                plots.scores_bar(face, title=f"Face {i + 1}: {face.label} {face.confidence:.2f}"), key=f"face-{i}"
            )
        if faces:
            st.caption(f"{faces[0].latency_ms:.1f} ms for detection and classification")
