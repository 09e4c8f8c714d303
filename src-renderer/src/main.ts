// Renderer entry: mounts the Vue app. Everything it knows of the engine will come through window.api.
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
