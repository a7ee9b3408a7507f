// GET /profile/{username}/favorites: the user and the articles they favorited.
import { ProfilePage } from "../../../_lib/profile";

export default ProfilePage;
