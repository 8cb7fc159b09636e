// A real video for the browser tests without a video file or an encoder on the machine.

/** A short WebM recorded in the page from a canvas (MediaRecorder), so the test needs no video file or encoder. */
export const RECORD_VIDEO = `(async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 180;
  const context = canvas.getContext("2d");
  let frame = 0;
  const draw = () => {
    context.fillStyle = "hsl(" + ((frame * 7) % 360) + " 65% 45%)";
    context.fillRect(0, 0, 320, 180);
    context.fillStyle = "#fff";
    context.font = "bold 48px sans-serif";
    context.fillText("Harbour " + frame++, 20, 110);
  };
  draw();
  const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: "video/webm;codecs=vp8" });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const timer = setInterval(draw, 40);
  recorder.start(200);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(chunks, { type: "video/webm" }).arrayBuffer());
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
})()`;
